// `classctl explain --branch ID [--series ID]`: an id that neither a document
// nor the database knows is NOT_FOUND (exit 2), not the base settings.
import t from 'tap';
import { runClassctlInProcess } from '../helpers/cli.js';
import { BASE_SETTINGS, doc } from '../helpers/fixtures.js';
import { loadInputs } from '../../controller/store/load.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { openDatabase } from '../../controller/store/database.js';

const INPUTS = {
  branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
  series: [{ id: 'ny-yoga', branchId: 'ny', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO', startDate: '2026-11-01', endDate: null, startTime: '09:00', durationMinutes: null, capacity: 20, instructorId: 'ana', roomId: 'studio-a', exdates: [] }],
};

t.test('explain --branch/--series with ids known and unknown', async (t) => {
  if (!requirePostgres(t)) return;
  const url = await migratedPostgresDatabase(t);
  const db = await openDatabase({ url });
  await loadInputs(db, INPUTS);
  await db.close();
  const dir = t.testdir({
    'base.json': JSON.stringify(doc('base', {}, BASE_SETTINGS)),
    'la.json': JSON.stringify(doc('la', { branch: 'la' }, { generation: { horizonDays: 7 } })),
  });
  const rows: Array<{ name: string; args: string[]; code: number; err?: RegExp; out?: RegExp }> = [
    { name: 'a branch in the database without a document of its own: its (base) settings', args: ['--branch', 'ny'], code: 0, out: /Resolved settings of branch "ny"/ },
    { name: 'a branch only a document names (not in the database yet): its settings', args: ['--branch', 'la'], code: 0, out: /horizonDays +7/ },
    { name: 'an unknown branch: NOT_FOUND naming it and how to list the branches', args: ['--branch', 'nosuch'], code: 2, err: /classctl: Branch "nosuch" is unknown: .*`classctl snapshot` lists the known branches/ },
    { name: 'a known series of a known branch', args: ['--branch', 'ny', '--series', 'ny-yoga'], code: 0, out: /Resolved settings of series "ny-yoga"/ },
    { name: 'an unknown series of a known branch: NOT_FOUND naming the series', args: ['--branch', 'ny', '--series', 'nosuch'], code: 2, err: /classctl: Series "nosuch" is unknown: .*`classctl snapshot` lists the known series/ },
    { name: 'an unknown branch with --output json: the error as JSON', args: ['--branch', 'nosuch', '--output', 'json'], code: 2, out: /"code":"NOT_FOUND".*"key":"nosuch"/ },
  ];
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const r = await runClassctlInProcess({}, '--database', url, '--config', dir, 'explain', ...row.args);
      t.equal(r.code, row.code, r.err);
      if (row.err) t.match(r.err, row.err);
      if (row.out) t.match(r.out, row.out);
    });
  }
});
