// Targeted runs (--branch / --series) against real databases: they write
// only their target, leave the other series of a partial branch alone, keep
// the incremental-sync state of everything else, and a targeted run followed
// by a full run leaves the same sessions as the full run alone.
import t, { type Test } from 'tap';
import type { RunTarget } from '../../controller/core/run-target.js';
import { planToJson } from '../../controller/core/render/plan-json.js';
import { reconcile, type ReconcileOptions } from '../../controller/runtime/reconcile.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { eachBackend, openTestDatabase } from '../helpers/backends.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const DAY = 86_400_000;

const series = (id: string, branchId: string, over: Record<string, unknown> = {}) => ({
  id, branchId, title: id, rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: '2027-03-31', startTime: '09:00',
  durationMinutes: 30, capacity: 10, instructorId: null, roomId: null, exdates: [] as string[], ...over,
});
const BRANCHES = [
  { id: 'east', name: 'East', timezone: 'America/New_York' },
  { id: 'hq', name: 'HQ', timezone: 'Europe/Berlin' },
];
const SERIES = [series('a', 'hq'), series('b', 'hq'), series('c', 'east')];

const run = (db: Database, now: number, extra: Partial<ReconcileOptions> = {}) =>
  reconcile({ db, config: baseConfig(), logger: silentLogger(), now, mode: 'apply', clock: () => now, ...extra });

async function seeded(db: Database): Promise<void> {
  await loadInputs(db, { branches: BRANCHES, series: SERIES });
  const r = await run(db, NOW);
  if (r.exitCode !== 0) throw new Error(`seeding run: ${r.outcome}`);
}

/** Sessions as a run leaves them, without their generated id and audit times. */
async function sessions(db: Database): Promise<string[]> {
  const rows = await db.query<{ r: string }>(
    `SELECT (to_jsonb(s) - 'id' - 'created_at' - 'updated_at')::text AS r FROM class_sessions s ORDER BY series_id, occurrence_key`,
  );
  return rows.map((r) => r.r);
}
const countOf = async (db: Database, seriesId: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions WHERE series_id = $1`, [seriesId]))[0]!.n;
const syncRow = async (db: Database, branchId: string) =>
  (await db.query<{ r: string }>(`SELECT to_jsonb(x)::text AS r FROM branch_sync_state x WHERE branch_id = $1`, [branchId]))[0]?.r ?? null;

/** A change to the inputs that every run after it must act on: both hq series end sooner, east's too. */
async function shortenEverything(db: Database): Promise<void> {
  await db.query(`UPDATE class_series SET end_date = '2026-12-01'`);
}

interface TargetCase {
  name: string;
  target: RunTarget;
  /** Series whose sessions the targeted run may change; the others must stay exactly as they were. */
  changes: string[];
  /** Branches whose sync state the run may change. */
  syncChanges: string[];
  /** Partial branches: their recorded state is forgotten with the writes, so the next run proves them in full. */
  forgotten: string[];
  /** The inputs are edited before the targeted run (else only time moves on: new days enter the window). */
  edited: boolean;
}

const cases: TargetCase[] = [
  { name: '--branch hq: both hq series, nothing of east', target: { branchIds: ['hq'], seriesIds: [] }, changes: ['a', 'b'], syncChanges: ['hq'], forgotten: [], edited: true },
  { name: '--series a: only a; b in the same branch is left alone (no deletes outside the target)', target: { branchIds: [], seriesIds: ['a'] }, changes: ['a'], syncChanges: ['hq'], forgotten: ['hq'], edited: true },
  { name: '--series c --series a: one series in each branch', target: { branchIds: [], seriesIds: ['c', 'a'] }, changes: ['a', 'c'], syncChanges: ['hq', 'east'], forgotten: ['hq'], edited: true },
  { name: '--series a, inputs unchanged, days later: only a gets the new days', target: { branchIds: [], seriesIds: ['a'] }, changes: ['a'], syncChanges: ['hq'], forgotten: ['hq'], edited: false },
];

for (const c of cases) {
  eachBackend(t, `${c.name}; a full run afterwards ends where a full run alone does`, async (t, db, backend) => {
    await seeded(db);
    if (c.edited) await shortenEverything(db);
    const before = Object.fromEntries(await Promise.all(['a', 'b', 'c'].map(async (id) => [id, await countOf(db, id)] as const)));
    const syncBefore = Object.fromEntries(await Promise.all(BRANCHES.map(async (b) => [b.id, await syncRow(db, b.id)] as const)));
    const later = NOW + 2 * DAY;

    const targeted = await run(db, later, { target: c.target });
    t.equal(targeted.exitCode, 0, targeted.outcome);
    t.same(targeted.target, { branchIds: [...c.target.branchIds].sort(), seriesIds: [...c.target.seriesIds].sort() }, 'the result carries the target');
    for (const id of ['a', 'b', 'c']) {
      const n = await countOf(db, id);
      if (c.changes.includes(id)) t.not(n, before[id], `${id}: in the target, changed`);
      else t.equal(n, before[id], `${id}: outside the target, not touched`);
    }
    for (const b of BRANCHES) {
      if (!c.syncChanges.includes(b.id)) t.equal(await syncRow(db, b.id), syncBefore[b.id], `${b.id}: its incremental state is kept`);
      else if (c.forgotten.includes(b.id)) t.equal(await syncRow(db, b.id), null, `${b.id}: partly written, its incremental state is forgotten`);
      else t.not(await syncRow(db, b.id), syncBefore[b.id], `${b.id}: written whole, its incremental state is recorded again`);
    }
    const [journal] = await db.query<{ target: unknown }>(`SELECT summary->'target' AS target FROM reconcile_runs WHERE id = $1::bigint`, [targeted.runId]);
    t.same(journal!.target, targeted.target, 'the journal row records the target');

    const full = await run(db, later + DAY);
    t.equal(full.exitCode, 0);
    t.same(full.branches.flatMap((b) => Object.keys(b.notWritten)), [], 'the full run afterwards finds nothing out of place');

    const alone = await openTestDatabase(t, backend);
    await seeded(alone);
    if (c.edited) await shortenEverything(alone);
    await run(alone, later + DAY);
    t.same(await sessions(db), await sessions(alone), 'same sessions as a full run alone');
  });
}

eachBackend(t, 'an unknown branch or series is NOT_FOUND naming it, before anything is written or journaled', async (t, db) => {
  await seeded(db);
  const runs = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM reconcile_runs`))[0]!.n;
  await t.rejects(run(db, NOW + DAY, { target: { branchIds: ['nowhere'], seriesIds: [] } }), { code: 'NOT_FOUND', message: /no branch "nowhere"/ });
  await t.rejects(run(db, NOW + DAY, { target: { branchIds: [], seriesIds: ['zz'] } }), { code: 'NOT_FOUND', message: /no class series "zz"/ });
  t.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM reconcile_runs`))[0]!.n, runs, 'no journal row');
});

eachBackend(t, 'the mass-removal guard counts the target only', async (t, db) => {
  await seeded(db);
  await shortenEverything(db);
  // Each series loses the same future sessions: a limit of one series' removals, below the run's.
  const perSeries = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions WHERE series_id = 'a' AND occurrence_key > '2026-12-01'`))[0]!.n;
  t.ok(perSeries > 0);
  const config = baseConfig({ safety: { maxRemovalsPerRun: perSeries } });
  const whole = await reconcile({ db, config, logger: silentLogger(), now: NOW + DAY, mode: 'apply', clock: () => NOW + DAY });
  t.equal(whole.refusal?.code, 'GUARD_MASS_REMOVAL', 'the whole run is refused');
  const one = await reconcile({ db, config, logger: silentLogger(), now: NOW + DAY, mode: 'apply', clock: () => NOW + DAY, target: { branchIds: [], seriesIds: ['a'] } });
  t.equal(one.exitCode, 0, 'one series of it is within the limit');
});

eachBackend(t, 'a saved targeted plan: applied to its target only, and stale only for a change in it', async (t, db) => {
  await seeded(db);
  await shortenEverything(db);
  const now = NOW + DAY;
  const target = { branchIds: [], seriesIds: ['a'] };
  const planned = await reconcile({ db, config: baseConfig(), logger: silentLogger(), now, mode: 'plan', target });
  const saved = planToJson(planned.plan);
  t.same(saved.target, target, 'the plan records its target');
  t.same(Object.keys(saved.seriesVersions), ['a'], 'and the versions of the targeted series only');
  t.ok(saved.changes.length > 0 && saved.changes.every((c) => c.seriesId === 'a'));

  await db.query(`UPDATE class_series SET title = 'edited outside the target' WHERE id IN ('b', 'c')`);
  const bBefore = await countOf(db, 'b');
  const applied = await run(db, now, { savedPlan: saved });
  t.equal(applied.exitCode, 0, `a series edited outside the target does not make it stale (${applied.refusal?.message ?? ''})`);
  t.equal(applied.written.delete, saved.changes.filter((c) => c.action === 'delete').length);
  t.equal(await countOf(db, 'b'), bBefore, 'b is not touched');

  await t.rejects(run(db, now, { savedPlan: saved, target: { branchIds: ['hq'], seriesIds: [] } }), { code: 'USAGE' }, 'applying it to another target is refused');

  const again = await reconcile({ db, config: baseConfig(), logger: silentLogger(), now, mode: 'plan', target });
  const second = planToJson(again.plan);
  await db.query(`UPDATE class_series SET title = 'edited in the target' WHERE id = 'a'`);
  const stale = await run(db, now, { savedPlan: second });
  t.equal(stale.refusal?.code, 'PLAN_STALE', 'an edit of the targeted series makes it stale');
});
