// `classctl explain SERIES_ID` and GET /api/series/:id/explain read the series
// row and show the same session fields: a series row's capacity beats the
// series document's sessionDefaults.capacity, as generation does.
import t from 'tap';
import { runClassctlInProcess } from '../helpers/cli.js';
import { eachBackend } from '../helpers/backends.js';
import { BASE_SETTINGS, configOf, doc } from '../helpers/fixtures.js';
import { loadInputs } from '../../controller/store/load.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { openDatabase } from '../../controller/store/database.js';
import { testApp } from '../server/helpers.js';

const INPUTS = {
  branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
  series: [{ id: 'ny-yoga', branchId: 'ny', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO', startDate: '2026-11-01', endDate: null, startTime: '09:00', durationMinutes: null, capacity: 20, instructorId: 'ana', roomId: 'studio-a', exdates: [] }],
};
const CAPACITY = { field: 'capacity', value: 20, source: { kind: 'series', column: 'class_series.capacity' } };
const DURATION = { field: 'durationMinutes', value: 60, source: { kind: 'settings', pointer: '/sessionDefaults/durationMinutes', document: 'base' } };

eachBackend(t, 'the API explain route shows the session fields with their source', async (t, db) => {
  await loadInputs(db, INPUTS);
  const config = configOf(doc('base', {}, BASE_SETTINGS), doc('yoga', { series: 'ny-yoga' }, { sessionDefaults: { capacity: 12 } }));
  const { app } = await testApp(t, db, { config });
  const body = (await app.inject({ method: 'GET', url: '/api/series/ny-yoga/explain' })).json();
  t.match(body.sessionFields, [{ field: 'title' }, { field: 'startTime' }, DURATION, CAPACITY]);
  t.match(body.fields.find((f: { pointer: string }) => f.pointer === '/sessionDefaults/capacity'), { value: 12, document: 'yoga' }, 'the resolved settings are still shown');
});

t.test('classctl explain SERIES_ID prints the session fields (PostgreSQL)', async (t) => {
  if (!requirePostgres(t)) return;
  const url = await migratedPostgresDatabase(t);
  const db = await openDatabase({ url });
  t.teardown(() => db.close());
  await loadInputs(db, INPUTS);
  const dir = t.testdir({
    'base.json': JSON.stringify(doc('base', {}, BASE_SETTINGS)),
    'yoga.json': JSON.stringify(doc('yoga', { series: 'ny-yoga' }, { sessionDefaults: { capacity: 12 } })),
  });
  const cli = (...args: string[]) => runClassctlInProcess({}, '--log-level', 'silent', '--database', url, '--config', dir, ...args);
  const text = await cli('explain', 'ny-yoga');
  t.equal(text.code, 0, text.err);
  t.match(text.out, /^\/sessionDefaults\/capacity +12 +yoga /m, 'the settings view');
  t.match(text.out, /^capacity +20 +series row class_series\.capacity; the series row's own value beats sessionDefaults\.capacity \(12\)$/m, 'the effective capacity');
  const json = await cli('explain', 'ny-yoga', '--output', 'json');
  t.match(JSON.parse(json.out).sessionFields, [{ field: 'title' }, { field: 'startTime' }, DURATION, CAPACITY]);
});
