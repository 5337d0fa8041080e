// The observation, diff, removal and archive rules end to end: plan and apply against the embedded
// database and real PostgreSQL, with a fixed `now`.
import t from 'tap';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { takeSnapshot } from '../../controller/store/snapshot.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import type { ConfigSet } from '../../controller/core/config/config-set.js';
import { eachBackend } from '../helpers/backends.js';
import { BASE_SETTINGS, baseConfig, configOf, doc, silentLogger } from '../helpers/fixtures.js';

// Wednesday 2026-11-25 10:00 in New York (15:00 UTC).
const NOW = Date.parse('2026-11-25T15:00:00Z');
const DAY = 86_400_000;

const demo = {
  branches: [
    { id: 'ny', name: 'New York', timezone: 'America/New_York' },
    { id: 'ldn', name: 'London', timezone: 'Europe/London' },
  ],
  series: [
    { id: 'ny-yoga', branchId: 'ny', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', startDate: '2026-11-01', endDate: null, startTime: '09:00', durationMinutes: 60, capacity: 12, instructorId: 'ana', roomId: 'studio-a', exdates: [] },
    { id: 'ny-spin', branchId: 'ny', title: 'Spin', rrule: 'FREQ=DAILY', startDate: '2026-11-20', endDate: '2026-11-30', startTime: '18:00', durationMinutes: null, capacity: null, instructorId: null, roomId: null, exdates: [] },
    { id: 'ldn-pilates', branchId: 'ldn', title: 'Pilates', rrule: 'FREQ=WEEKLY;BYDAY=TU,TH', startDate: '2026-11-01', endDate: null, startTime: '07:30', durationMinutes: 45, capacity: 10, instructorId: null, roomId: null, exdates: [] },
  ],
};

async function setup(db: Database) {
  const r = await loadInputs(db, demo);
  if (r.problems.length) throw new Error(JSON.stringify(r.problems));
}

async function run(db: Database, config: ConfigSet, now: number, mode: 'plan' | 'apply' = 'apply') {
  return reconcile({ db, config, logger: silentLogger(), now, mode, clock: () => now });
}

async function sessionsOf(db: Database, seriesId: string) {
  return db.query<{ id: string; occurrence_key: string; starts_at: Date | string; status: string }>(
    `SELECT id, occurrence_key, starts_at, status FROM class_sessions WHERE series_id = $1 ORDER BY occurrence_key`,
    [seriesId],
  );
}

eachBackend(t, 'apply then plan at the same now is empty, and a second apply changes no byte', async (t, db) => {
  await setup(db);
  const config = baseConfig();
  const first = await run(db, config, NOW);
  t.equal(first.exitCode, 0);
  t.ok(first.summary.create > 0, 'the first run creates sessions');
  const before = await takeSnapshot(db);
  const plan = await run(db, config, NOW, 'plan');
  t.equal(plan.plan.branches.reduce((n, b) => n + b.changes.length, 0), 0, 'plan is empty');
  const second = await run(db, config, NOW);
  t.same(second.summary, { ...second.summary, create: 0, update: 0, delete: 0, cancel: 0, seriesDeleted: 0 });
  t.same(await takeSnapshot(db), before, 'snapshot identical, updated_at included');
});

eachBackend(t, 'a series time change updates future sessions in place and leaves started ones alone', async (t, db) => {
  await setup(db);
  const config = baseConfig();
  await run(db, config, NOW - 3 * DAY); // sessions from Sunday 22nd on, including Monday 23rd
  const before = await sessionsOf(db, 'ny-yoga');
  await db.query(`UPDATE class_series SET start_time = '18:00' WHERE id = 'ny-yoga'`);
  const r = await run(db, config, NOW); // Wednesday 10:00: today's 09:00 class has started
  t.equal(r.exitCode, 0);
  const after = await sessionsOf(db, 'ny-yoga');
  const todayBefore = before.find((s) => s.occurrence_key === '2026-11-25')!;
  const todayAfter = after.filter((s) => s.occurrence_key === '2026-11-25');
  t.equal(todayAfter.length, 1, 'the class moved to the evening at 10:00 does not run twice today');
  t.equal(new Date(todayAfter[0]!.starts_at).toISOString(), new Date(todayBefore.starts_at).toISOString(), 'the started session is history');
  const fri = after.find((s) => s.occurrence_key === '2026-11-27')!;
  t.equal(fri.id, before.find((s) => s.occurrence_key === '2026-11-27')!.id, 'same id: updated in place');
  t.equal(new Date(fri.starts_at).toISOString(), '2026-11-27T23:00:00.000Z', '18:00 EST');
});

eachBackend(t, 'a day change removes the old days and creates the new ones', async (t, db) => {
  await setup(db);
  const config = baseConfig();
  await run(db, config, NOW);
  await db.query(`UPDATE class_series SET rrule = 'FREQ=WEEKLY;BYDAY=TU' WHERE id = 'ny-yoga'`);
  const r = await run(db, config, NOW);
  t.ok(r.summary.create > 0 && r.summary.delete > 0);
  const keys = (await sessionsOf(db, 'ny-yoga')).filter((s) => s.occurrence_key > '2026-11-25').map((s) => s.occurrence_key);
  t.same(keys, ['2026-12-01', '2026-12-08']);
});

eachBackend(t, 'booked sessions are cancelled, not deleted; detached ones are untouched', async (t, db) => {
  await setup(db);
  const config = baseConfig();
  await run(db, config, NOW);
  await db.query(`UPDATE class_sessions SET booked_count = 4 WHERE series_id = 'ny-yoga' AND occurrence_key = '2026-11-27'`);
  await db.query(`UPDATE class_sessions SET detached = true, title = 'Yoga with guest teacher' WHERE series_id = 'ny-yoga' AND occurrence_key = '2026-11-30'`);
  await db.query(`UPDATE class_series SET end_date = '2026-11-26' WHERE id = 'ny-yoga'`);
  const r = await run(db, config, NOW);
  t.equal(r.exitCode, 0);
  const rows = await db.query<{ occurrence_key: string; status: string; title: string }>(
    `SELECT occurrence_key, status, title FROM class_sessions WHERE series_id = 'ny-yoga' AND occurrence_key > '2026-11-25' ORDER BY occurrence_key`,
  );
  t.same(rows, [
    { occurrence_key: '2026-11-27', status: 'cancelled', title: 'Yoga' },
    { occurrence_key: '2026-11-30', status: 'scheduled', title: 'Yoga with guest teacher' },
  ]);
});

eachBackend(t, 'a closure added in a branch document removes that date', async (t, db) => {
  await setup(db);
  await run(db, baseConfig(), NOW);
  const config = configOf(doc('base', {}, BASE_SETTINGS), doc('ny-closed', { branch: 'ny' }, { closures: { '2026-11-27': 'Day after Thanksgiving' } }));
  const r = await run(db, config, NOW);
  const removed = r.plan.branches.flatMap((b) => b.changes).filter((c) => c.action === 'delete');
  t.same(removed.map((c) => [c.seriesId, c.occurrenceKey]), [['ny-spin', '2026-11-27'], ['ny-yoga', '2026-11-27']]);
  t.notOk((await sessionsOf(db, 'ny-yoga')).some((s) => s.occurrence_key === '2026-11-27'));
  t.ok((await sessionsOf(db, 'ldn-pilates')).length > 0, 'the other branch keeps its sessions');
});

eachBackend(t, 'a passed end date archives the series and keeps its sessions', async (t, db) => {
  await setup(db);
  const config = baseConfig();
  await run(db, config, NOW);
  const spinBefore = await sessionsOf(db, 'ny-spin');
  const r = await run(db, config, Date.parse('2026-12-01T15:00:00Z'));
  t.equal(r.summary.seriesDeleted, 1);
  t.equal((await db.query(`SELECT 1 FROM class_series WHERE id = 'ny-spin'`)).length, 0, 'series deleted');
  t.equal((await db.query(`SELECT 1 FROM class_series_archive WHERE id = 'ny-spin'`)).length, 1, 'series archived');
  t.same((await sessionsOf(db, 'ny-spin')).map((s) => s.id), spinBefore.map((s) => s.id), 'sessions kept');
  const again = await run(db, config, Date.parse('2026-12-01T15:00:00Z'));
  t.equal(again.summary.seriesDeleted + again.summary.delete, 0, 'an archived series is not seen as host-deleted');
});

eachBackend(t, 'a series deleted by the host application loses its future sessions only', async (t, db) => {
  await setup(db);
  const config = baseConfig();
  await run(db, config, NOW - DAY);
  await db.query(`DELETE FROM class_series WHERE id = 'ny-yoga'`);
  const r = await run(db, config, NOW);
  t.ok(r.summary.delete > 0);
  const left = await sessionsOf(db, 'ny-yoga');
  t.ok(left.length > 0 && left.every((s) => new Date(s.starts_at).getTime() <= NOW), 'only started sessions remain');
});

eachBackend(t, 'a series across the New York fall-back keeps 09:00 wall-clock (timestamptz round trip)', async (t, db) => {
  await setup(db);
  const r = await run(db, baseConfig(), Date.parse('2026-10-28T12:00:00Z'));
  t.equal(r.exitCode, 0);
  const byKey = new Map((await sessionsOf(db, 'ny-yoga')).map((s) => [s.occurrence_key, new Date(s.starts_at).toISOString()]));
  t.equal(byKey.get('2026-11-02'), '2026-11-02T14:00:00.000Z', 'Monday after fall-back: 09:00 EST');
  t.equal(byKey.get('2026-11-04'), '2026-11-04T14:00:00.000Z');
});

eachBackend(t, 'an invalid branch document leaves that branch untouched, applies the others, exits 1', async (t, db) => {
  await setup(db);
  const config = configOf(doc('base', {}, BASE_SETTINGS), doc('ny-bad', { branch: 'ny' }, { dst: { ambiguousTime: 'sometimes' } }));
  const r = await run(db, config, NOW);
  t.equal(r.exitCode, 1);
  t.equal((await sessionsOf(db, 'ny-yoga')).length, 0, 'invalid branch untouched');
  t.ok((await sessionsOf(db, 'ldn-pilates')).length > 0, 'other branch applied');
  const err = r.plan.problems.concat(r.plan.branches.flatMap((b) => b.problems)).find((p) => p.severity === 'error');
  t.match(err, { document: 'ny-bad', pointer: /ambiguousTime/ });
});

eachBackend(t, 'generation.enabled false in a series document skips only that series', async (t, db) => {
  await setup(db);
  const config = configOf(doc('base', {}, BASE_SETTINGS), doc('spin-off', { series: 'ny-spin' }, { generation: { enabled: false } }));
  const r = await run(db, config, NOW);
  t.equal(r.exitCode, 0);
  t.equal((await sessionsOf(db, 'ny-spin')).length, 0);
  t.ok((await sessionsOf(db, 'ny-yoga')).length > 0);
  t.same(r.plan.branches.find((b) => b.branchId === 'ny')!.skippedSeries, [{ seriesId: 'ny-spin', reason: 'disabled' }]);
});
