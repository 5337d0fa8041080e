// archiveSeries: copy the row into class_series_archive and
// delete it, in the caller's transaction, only if its version is still the
// one the plan saw; the series' sessions stay.
import t from 'tap';
import type { SeriesArchiveChange } from '../../controller/core/plan-types.js';
import { archiveSeries } from '../../controller/store/archive.js';
import { readSeries } from '../../controller/store/inputs.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { NOW, forEachBackend } from './helpers.js';

const DOC = {
  branches: [{ id: 'downtown', name: 'Downtown', timezone: 'America/New_York' }],
  series: [
    { id: 'stretch', branchId: 'downtown', title: 'Holiday Stretch', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE', startDate: '2026-11-02', endDate: '2026-11-20', startTime: '12:15', durationMinutes: 30, capacity: null, instructorId: 'ana', roomId: null, exdates: ['2026-11-11'] },
    { id: 'yoga', branchId: 'downtown', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO', startDate: '2026-09-07', endDate: '2026-11-23', startTime: '07:00' },
  ],
};

async function setup(db: Database): Promise<SeriesArchiveChange[]> {
  const r = await loadInputs(db, DOC);
  if (r.problems.length) throw new Error(JSON.stringify(r.problems));
  await db.query(
    `INSERT INTO class_sessions (series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone)
     VALUES ('stretch', 'downtown', '2026-11-18', 'Holiday Stretch', '2026-11-18T17:15:00Z', '2026-11-18T17:45:00Z', 'America/New_York')`,
  );
  return (await readSeries(db)).map((s) => ({ action: 'delete-series', seriesId: s.id, branchId: s.branchId, occurrenceKey: null, series: s, version: s.version, reason: 'ended' }));
}

interface ArchiveCase {
  name: string;
  meanwhile?: string;
  runId: string | null;
  archived: string[];
  skipped: string[];
}

const cases: ArchiveCase[] = [
  { name: 'unchanged series are archived and deleted', runId: '7', archived: ['stretch', 'yoga'], skipped: [] },
  {
    name: 'a series edited since the plan (stale version) is skipped and kept',
    meanwhile: `UPDATE class_series SET end_date = '2027-06-30' WHERE id = 'yoga'`,
    runId: null,
    archived: ['stretch'],
    skipped: ['yoga'],
  },
  {
    name: 'a series the host deleted meanwhile is skipped',
    meanwhile: `DELETE FROM class_series WHERE id = 'yoga'`,
    runId: null,
    archived: ['stretch'],
    skipped: ['yoga'],
  },
];

t.test('archiveSeries', async (t) => {
  forEachBackend(t, cases, async (t, db, c) => {
    const changes = await setup(db);
    if (c.meanwhile) await db.query(c.meanwhile);
    const [dbClock] = await db.query<{ t: Date }>(`SELECT now() AS t`);
    const result = await db.transaction((tx) => archiveSeries(tx, changes, c.runId));
    t.strictSame(result, { archived: c.archived, skipped: c.skipped });
    const left = (await readSeries(db)).map((s) => s.id);
    t.strictSame(left, c.meanwhile?.startsWith('UPDATE') ? ['yoga'] : [], 'archived series are deleted, skipped ones stay');
    const archive = await db.query<{ id: string; row: Record<string, unknown>; deleted_at: Date; run_id: string | null }>(
      `SELECT id, "row", deleted_at, run_id::text AS run_id FROM class_series_archive ORDER BY id COLLATE "C"`,
    );
    t.strictSame(archive.map((a) => a.id), c.archived);
    const stretch = archive.find((a) => a.id === 'stretch')!;
    t.match(stretch.row, {
      id: 'stretch', branchId: 'downtown', title: 'Holiday Stretch', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE',
      startDate: '2026-11-02', endDate: '2026-11-20', startTime: '12:15', durationMinutes: 30, capacity: null,
      instructorId: 'ana', roomId: null, exdates: ['2026-11-11'], version: '1',
    }, 'the row is kept in the snapshot (camelCase) shape');
    t.match(stretch.row.updatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    t.ok(stretch.deleted_at.getTime() >= dbClock!.t.getTime(), 'deleted_at is an audit time: the database clock when the archive was written');
    t.equal(stretch.run_id, c.runId);
    const sessions = await db.query(`SELECT 1 FROM class_sessions WHERE series_id = 'stretch'`);
    t.equal(sessions.length, 1, 'its sessions stay');
  });
});

t.test('archiving an id again (the host re-created it) keeps the latest row', async (t) => {
  forEachBackend(t, [{ name: 're-archive' }], async (t, db) => {
    const changes = await setup(db);
    await db.transaction((tx) => archiveSeries(tx, changes.slice(0, 1), '1'));
    await loadInputs(db, { series: [{ ...DOC.series[0], title: 'Stretch II' }] });
    const again = (await readSeries(db, { branchId: 'downtown' })).filter((s) => s.id === 'stretch');
    const r = await db.transaction((tx) =>
      archiveSeries(tx, again.map((s) => ({ action: 'delete-series', seriesId: s.id, branchId: s.branchId, occurrenceKey: null, series: s, version: s.version, reason: 'ended' })), '2'),
    );
    t.strictSame(r, { archived: ['stretch'], skipped: [] });
    const [row] = await db.query<{ title: string; run_id: string }>(`SELECT "row"->>'title' AS title, run_id::text AS run_id FROM class_series_archive WHERE id = 'stretch'`);
    t.strictSame(row, { title: 'Stretch II', run_id: '2' });
  });
});
