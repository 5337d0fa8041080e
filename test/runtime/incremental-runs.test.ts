// Incremental runs: a branch whose inputs are unchanged and whose last full
// proof is recent is planned from what the last run recorded, not from its
// sessions. So a session changed behind the controller's back stays as it is
// until the branch's next full proof, which comes within one resync period;
// a series row edited out of band changes the inputs and is planned at once.
import t from 'tap';
import { nextResyncAt } from '../../controller/core/incremental-sync.js';
import { planToJson } from '../../controller/core/render/plan-json.js';
import type { ConfigSet } from '../../controller/core/config/config-set.js';
import { planRun, snapshotInputs } from '../../controller/runtime/plan-run.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { eachBackend } from '../helpers/backends.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';

// Wednesday 2026-11-25 10:00 in New York (15:00 UTC).
const NOW = Date.parse('2026-11-25T15:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PERIOD = DAY;

const inputs = {
  branches: [
    { id: 'ny', name: 'New York', timezone: 'America/New_York' },
    { id: 'ldn', name: 'London', timezone: 'Europe/London' },
  ],
  series: [
    { id: 'ny-yoga', branchId: 'ny', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', startDate: '2026-11-01', endDate: null, startTime: '09:00', durationMinutes: 60, capacity: 12, instructorId: 'ana', roomId: 'studio-a', exdates: [] },
    { id: 'ny-spin', branchId: 'ny', title: 'Spin', rrule: 'FREQ=DAILY', startDate: '2026-11-20', endDate: null, startTime: '18:00', durationMinutes: null, capacity: null, instructorId: null, roomId: null, exdates: [] },
    { id: 'ldn-pilates', branchId: 'ldn', title: 'Pilates', rrule: 'FREQ=WEEKLY;BYDAY=TU,TH', startDate: '2026-11-01', endDate: null, startTime: '07:30', durationMinutes: 45, capacity: 10, instructorId: null, roomId: null, exdates: [] },
  ],
};

/** Friday 2026-12-04 09:00 EST: far enough ahead to be in the future at every run of these tests. */
const KEY = '2026-12-04';

async function apply(db: Database, config: ConfigSet, now: number, opts: { fullResync?: boolean } = {}) {
  const r = await reconcile({ db, config, logger: silentLogger(), now, mode: 'apply', clock: () => now, resyncPeriodMs: PERIOD, ...opts });
  if (r.exitCode !== 0) throw new Error(`run at ${new Date(now).toISOString()} exited ${r.exitCode}`);
  return r;
}

async function yogaSession(db: Database) {
  const rows = await db.query<{ title: string; starts_at: Date }>(`SELECT title, starts_at FROM class_sessions WHERE series_id = 'ny-yoga' AND occurrence_key = $1`, [KEY]);
  return rows.map((r) => ({ title: r.title, startsAt: new Date(r.starts_at).toISOString() }));
}

const AS_GENERATED = [{ title: 'Yoga', startsAt: '2026-12-04T14:00:00.000Z' }];

interface DriftCase {
  name: string;
  /** What a person or the host application does after the first apply. */
  sql: string;
  /** The session right after an incremental run inside the period. */
  withinPeriod: Array<{ title: string; startsAt: string }>;
}

const drift: DriftCase[] = [
  { name: 'a session deleted behind the controller\'s back', sql: `DELETE FROM class_sessions WHERE series_id = 'ny-yoga' AND occurrence_key = '${KEY}'`, withinPeriod: [] },
  {
    name: 'a session retitled behind the controller\'s back',
    sql: `UPDATE class_sessions SET title = 'Hand-edited' WHERE series_id = 'ny-yoga' AND occurrence_key = '${KEY}'`,
    withinPeriod: [{ title: 'Hand-edited', startsAt: '2026-12-04T14:00:00.000Z' }],
  },
  {
    name: 'a session moved an hour by hand (not detached)',
    sql: `UPDATE class_sessions SET starts_at = starts_at + interval '1 hour' WHERE series_id = 'ny-yoga' AND occurrence_key = '${KEY}'`,
    withinPeriod: [{ title: 'Yoga', startsAt: '2026-12-04T15:00:00.000Z' }],
  },
];

for (const c of drift) {
  eachBackend(t, `${c.name}: left by incremental runs inside the resync period, repaired by the first run after it`, async (t, db) => {
    await loadInputs(db, inputs);
    const config = baseConfig();
    await apply(db, config, NOW);
    t.same(await yogaSession(db), AS_GENERATED, 'the first apply creates the session');
    await db.query(c.sql);

    const due = nextResyncAt('ny', NOW, PERIOD);
    t.ok(due > NOW && due <= NOW + PERIOD, 'the branch is due for a full proof within one period of the last');
    const inside = await apply(db, config, due - 1);
    t.same(await yogaSession(db), c.withinPeriod, 'an incremental run inside the period leaves it as it is');
    t.notOk(inside.plan.branches.flatMap((b) => b.changes).some((ch) => ch.occurrenceKey === KEY), 'and plans nothing for it');

    await apply(db, config, due);
    t.same(await yogaSession(db), AS_GENERATED, 'the first run at the end of the period repairs it');
  });
}

eachBackend(t, 'reconcile --full-resync repairs at once what an incremental run leaves', async (t, db) => {
  await loadInputs(db, inputs);
  const config = baseConfig();
  await apply(db, config, NOW);
  await db.query(drift[0]!.sql);
  await apply(db, config, NOW + 1);
  t.same(await yogaSession(db), [], 'incremental: not seen');
  await apply(db, config, NOW + 2, { fullResync: true });
  t.same(await yogaSession(db), AS_GENERATED, 'full resync: recreated');
});

eachBackend(t, 'a series row edited out of band is planned by the next run, inside the period', async (t, db) => {
  await loadInputs(db, inputs);
  const config = baseConfig();
  await apply(db, config, NOW);
  await db.query(`UPDATE class_series SET title = 'Vinyasa' WHERE id = 'ny-yoga'`);
  const r = await apply(db, config, NOW + 1);
  t.ok(r.summary.update > 0, 'the next run updates the sessions');
  t.same(await yogaSession(db), [{ title: 'Vinyasa', startsAt: '2026-12-04T14:00:00.000Z' }]);
});

// With nothing changed behind its back, an incremental run plans exactly what
// a full proof plans — creates of the days that entered the window, archives,
// warnings, sessions kept as they are — at every later instant.
const later: Array<{ name: string; offset: number }> = [
  { name: 'the same now (no-op)', offset: 0 },
  { name: 'six hours later (sessions started meanwhile)', offset: 6 * HOUR },
  { name: 'a day later (a day roll)', offset: DAY },
  { name: 'three days later (several days rolled at once)', offset: 3 * DAY },
  { name: 'nine days later (past an end date: archive)', offset: 9 * DAY },
];

eachBackend(t, 'an incremental plan equals the full plan when nothing changed behind the controller\'s back', async (t, db) => {
  await loadInputs(db, { ...inputs, series: inputs.series.map((s) => (s.id === 'ny-spin' ? { ...s, endDate: '2026-12-01' } : s)) });
  const config = baseConfig();
  await apply(db, config, NOW);
  // A detached session (kept as it is) and a host-deleted series with a booked session (kept, cancelled).
  await db.query(`UPDATE class_sessions SET detached = true, title = 'Guest' WHERE series_id = 'ny-yoga' AND occurrence_key = '2026-12-07'`);
  await db.query(`UPDATE class_sessions SET booked_count = 1 WHERE series_id = 'ldn-pilates' AND occurrence_key = '2026-12-08'`);
  await db.query(`DELETE FROM class_series WHERE id = 'ldn-pilates'`);
  await apply(db, config, NOW, { fullResync: true });
  // A period in which neither branch comes due during the steps: every run below is incremental.
  const period = 60 * DAY;
  for (const id of ['ldn', 'ny']) t.ok(nextResyncAt(id, NOW, period) > NOW + 9 * DAY, `${id} is not due within the steps`);
  let previous = NOW;
  for (const step of later) {
    const now = NOW + step.offset;
    const snapshot = await snapshotInputs(db);
    const full = planToJson(await planRun({ db, config, now, mode: 'plan', snapshot, observedRead: 'digest' }));
    const incremental = await reconcile({ db, config, logger: silentLogger(), now, mode: 'plan', clock: () => now, resyncPeriodMs: period });
    t.same(planToJson(incremental.plan), full, step.name);
    await reconcile({ db, config, logger: silentLogger(), now, mode: 'apply', clock: () => now, resyncPeriodMs: period });
    t.ok(now >= previous);
    previous = now;
  }
  // The runs above were incremental: no branch was proven in full after the resync at NOW.
  const proven = await db.query<{ branch_id: string; proven_at: Date }>(`SELECT branch_id, proven_at FROM branch_sync_state ORDER BY branch_id`);
  t.same(proven.map((r) => [r.branch_id, new Date(r.proven_at).getTime()]), [['ldn', NOW], ['ny', NOW]], 'every branch was last proven in full at the resync');
});

// nextResyncAt spreads the branches proven by one run over the next period.
t.test('nextResyncAt: within one period, spread over it', async (t) => {
  const rows = [
    { name: 'proven at a period boundary', provenAt: 0 },
    { name: 'proven mid-period', provenAt: NOW },
    { name: 'proven one millisecond before a boundary', provenAt: 20 * PERIOD - 1 },
  ];
  for (const r of rows) {
    const dues = Array.from({ length: 200 }, (_, i) => nextResyncAt(`branch-${i}`, r.provenAt, PERIOD) - r.provenAt);
    t.ok(dues.every((d) => d > 0 && d <= PERIOD), `${r.name}: every branch is due after its proof and at most one period later`);
    const firstHalf = dues.filter((d) => d <= PERIOD / 2).length;
    t.ok(firstHalf > 60 && firstHalf < 140, `${r.name}: about half come due in the first half of the period (${firstHalf} of 200)`);
  }
});

// A chain numbers its branches: ids that differ in a digit or two must still
// come due evenly, or one run of the period proves a quarter of the chain and
// another none of it.
t.test('nextResyncAt: numbered branch ids come due evenly over the period', async (t) => {
  const rows = [
    { name: 'zero-padded ids (branch-0000 … branch-0999)', ids: Array.from({ length: 1000 }, (_, i) => `branch-${String(i).padStart(4, '0')}`) },
    { name: 'unpadded ids (store-1 … store-1000)', ids: Array.from({ length: 1000 }, (_, i) => `store-${i + 1}`) },
    { name: 'short ids (b0 … b999)', ids: Array.from({ length: 1000 }, (_, i) => `b${i}`) },
  ];
  for (const r of rows) {
    // Seven daily runs after a proof of every branch at NOW: each proves about a seventh (143 of 1,000).
    const perDay = new Array<number>(7).fill(0);
    for (const id of r.ids) perDay[Math.ceil((nextResyncAt(id, NOW, PERIOD) - NOW) / (PERIOD / 7)) - 1]!++;
    t.ok(perDay.every((n) => n >= 105 && n <= 185), `${r.name}: every day of the period proves 105–185 of 1,000 branches (${perDay.join(', ')})`);
  }
});

// A chain whose series are all settled is generated only where it changed
// (the days that entered the window, and around `now`); its double bookings
// come from the recorded plan elsewhere. The plan must still be the full
// plan's, warnings included, as sessions start and days roll.
const settledChain = {
  branches: inputs.branches,
  series: [
    ...inputs.series.map((s) => (s.id === 'ny-spin' ? { ...s, endDate: '2026-12-01' } : s)),
    // Three hours from 10:30 in studio-b, overlapped by a 11:00 class: a double booking every day, the first one starting right after NOW.
    { id: 'ny-long', branchId: 'ny', title: 'Workshop', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '10:30', durationMinutes: 180, capacity: 8, instructorId: 'ben', roomId: 'studio-b', exdates: [] },
    { id: 'ny-short', branchId: 'ny', title: 'Barre', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '11:00', durationMinutes: 60, capacity: 8, instructorId: 'cleo', roomId: 'studio-b', exdates: ['2026-11-27'] },
    // Ana teaches yoga at 09:00 MO/WE/FR and a 23-hour retreat from Sunday 12:00: Monday's yoga overlaps it.
    { id: 'ny-retreat', branchId: 'ny', title: 'Retreat', rrule: 'FREQ=WEEKLY;BYDAY=SU', startDate: '2026-11-01', endDate: null, startTime: '12:00', durationMinutes: 23 * 60, capacity: 30, instructorId: 'ana', roomId: 'lodge', exdates: [] },
    // Same room, same time, in London, for a week of January only: enters the window with the day rolls.
    { id: 'ldn-a', branchId: 'ldn', title: 'Spin A', rrule: 'FREQ=DAILY', startDate: '2027-01-18', endDate: '2027-01-24', startTime: '07:00', durationMinutes: 45, capacity: 10, instructorId: null, roomId: 'bikes', exdates: [] },
    { id: 'ldn-b', branchId: 'ldn', title: 'Spin B', rrule: 'FREQ=DAILY', startDate: '2027-01-18', endDate: '2027-01-24', startTime: '07:15', durationMinutes: 45, capacity: 10, instructorId: null, roomId: 'bikes', exdates: [] },
  ],
};

const settledSteps: Array<{ name: string; offset: number }> = [
  { name: 'the same now (no-op)', offset: 0 },
  { name: '45 minutes later (the first session of a double booking started)', offset: 45 * 60_000 },
  { name: 'six hours later', offset: 6 * HOUR },
  { name: 'a day later (a day roll)', offset: DAY },
  { name: 'three days later', offset: 3 * DAY },
  { name: 'nine days later (past an end date: archive)', offset: 9 * DAY },
  { name: 'sixty days later (new double bookings entered the window)', offset: 60 * DAY },
];

eachBackend(t, 'a window-slice plan of a settled branch equals the full plan, double bookings included', async (t, db) => {
  const loaded = await loadInputs(db, settledChain);
  t.same(loaded.problems, [], 'the chain loads');
  const config = baseConfig();
  await apply(db, config, NOW, { fullResync: true });
  const recorded = await db.query<{ branch_id: string; unsettled: string[]; n: number }>(
    `SELECT branch_id, unsettled, jsonb_array_length(double_bookings) AS n FROM branch_sync_state ORDER BY branch_id`,
  );
  t.same(recorded.map((r) => [r.branch_id, r.unsettled, Number(r.n)]), [['ldn', [], 0], ['ny', [], recorded[1]!.n]], 'every series is settled');
  t.ok(Number(recorded[1]!.n) > 0, 'the branch has double bookings on record');
  // A period in which London does not come due during the steps: its runs below are incremental.
  const period = 1000 * DAY;
  t.ok(nextResyncAt('ldn', NOW, period) > NOW + 60 * DAY, 'ldn is not due within the steps');
  let warned = 0;
  for (const step of settledSteps) {
    const now = NOW + step.offset;
    const snapshot = await snapshotInputs(db);
    const full = planToJson(await planRun({ db, config, now, mode: 'plan', snapshot, observedRead: 'digest' }));
    const incremental = await reconcile({ db, config, logger: silentLogger(), now, mode: 'plan', clock: () => now, resyncPeriodMs: period });
    t.same(planToJson(incremental.plan), full, step.name);
    warned += incremental.plan.branches.reduce((n, b) => n + b.warnings.length, 0);
    await reconcile({ db, config, logger: silentLogger(), now, mode: 'apply', clock: () => now, resyncPeriodMs: period });
  }
  t.ok(warned > 0, 'the compared plans had warnings');
  // (New York's archive changes its inputs, so its next run proves it in full.)
  const proven = await db.query<{ proven_at: Date }>(`SELECT proven_at FROM branch_sync_state WHERE branch_id = 'ldn'`);
  t.same(proven.map((r) => new Date(r.proven_at).getTime()), [NOW], 'the runs after the first were incremental');
});
