// safety.maxRemovalsPerRun: archives count, per branch and for the whole run.
import t from 'tap';
import type { BranchPlan } from '../../controller/core/plan-types.js';
import { checkMassRemoval } from '../../controller/runtime/guards.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { archivesAhead, removalCounts } from '../../controller/runtime/removal-guard.js';
import { loadInputs } from '../../controller/store/load.js';
import { eachBackend } from '../helpers/backends.js';
import { BASE_SETTINGS, configOf, doc, silentLogger } from '../helpers/fixtures.js';

const limited = (base: number, branches: Record<string, number> = {}) =>
  configOf(
    doc('base', {}, { ...BASE_SETTINGS, safety: { maxRemovalsPerRun: base } }),
    ...Object.entries(branches).map(([id, limit]) => doc(`branch-${id}`, { branch: id }, { safety: { maxRemovalsPerRun: limit } })),
  );

const branchPlan = (branchId: string, actions: string[]) => ({ branchId, changes: actions.map((action) => ({ action })) }) as unknown as BranchPlan;

const countRows: Array<{ name: string; base: number; branches?: Record<string, number>; plan: BranchPlan[]; notPlanned?: Record<string, number>; refusedAt: string | null }> = [
  { name: 'archiving series counts as removals', base: 2, plan: [branchPlan('a', ['delete-series', 'delete-series', 'delete-series'])], refusedAt: 'branch a' },
  { name: 'sessions removed and series archived add up', base: 2, plan: [branchPlan('a', ['delete', 'cancel', 'delete-series'])], refusedAt: 'branch a' },
  { name: 'creates and updates do not count', base: 2, plan: [branchPlan('a', ['create', 'create', 'update', 'delete'])], refusedAt: null },
  { name: 'the whole run is held to the base limit when every branch is under its own', base: 3, plan: [branchPlan('a', ['delete', 'delete']), branchPlan('b', ['delete-series', 'cancel'])], refusedAt: 'the whole run' },
  { name: 'a branch document raising its own limit does not lift the run limit', base: 3, branches: { a: 100 }, plan: [branchPlan('a', ['delete', 'delete', 'delete', 'delete'])], refusedAt: 'the whole run' },
  { name: 'a branch document lowering its limit refuses that branch', base: 100, branches: { a: 1 }, plan: [branchPlan('a', ['delete', 'delete'])], refusedAt: 'branch a' },
  { name: 'series archived by branches not planned yet count too', base: 3, plan: [branchPlan('a', [])], notPlanned: { b: 4 }, refusedAt: 'branch b' },
  { name: 'exactly the limit is allowed', base: 3, plan: [branchPlan('a', ['delete', 'delete-series']), branchPlan('b', ['cancel'])], refusedAt: null },
];

for (const row of countRows) {
  t.test(row.name, async (t) => {
    const counts = removalCounts({ branches: row.plan }, limited(row.base, row.branches), new Map(Object.entries(row.notPlanned ?? {})));
    if (row.refusedAt === null) {
      t.doesNotThrow(() => checkMassRemoval(counts));
    } else {
      t.throws(() => checkMassRemoval(counts), { code: 'GUARD_MASS_REMOVAL', key: row.refusedAt });
    }
  });
}

const NOW = Date.parse('2026-11-25T15:00:00Z');
const series = (id: string, branchId: string, endDate: string | null) => ({
  id, branchId, title: id, rrule: 'FREQ=WEEKLY;BYDAY=MO', startDate: '2026-11-02', endDate, startTime: '18:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: [],
});
const data = {
  branches: [
    { id: 'ny', name: 'New York', timezone: 'America/New_York' },
    { id: 'ldn', name: 'London', timezone: 'Europe/London' },
  ],
  series: [series('ny-1', 'ny', '2027-06-30'), series('ny-2', 'ny', '2027-06-30'), series('ldn-1', 'ldn', '2027-06-30'), series('ldn-open', 'ldn', null)],
};

t.test('archivesAhead counts the ended series of branches not planned yet, in their own zone', async (t) => {
  const config = limited(500);
  const at = Date.parse('2027-07-01T02:00:00Z'); // 2027-07-01 in London, still 2027-06-30 in New York
  t.same(Object.fromEntries(archivesAhead(new Set(['ny', 'ldn']), data, config, at)), { ny: 0, ldn: 1 });
  t.same(Object.fromEntries(archivesAhead(new Set(['ny']), data, config, Date.parse('2030-01-01T00:00:00Z'))), { ny: 2 });
});

eachBackend(t, 'a run at a mistyped future now that would archive every ended series is refused', async (t, db) => {
  const loaded = await loadInputs(db, data);
  t.same(loaded.problems, []);
  const run = (now: number, allowMassRemoval = false) =>
    reconcile({ db, config: limited(2), logger: silentLogger(), now, clock: () => NOW, mode: 'apply', allowMassRemoval });
  t.equal((await run(NOW)).exitCode, 0, 'the real run creates sessions');
  const before = await db.query(`SELECT id, version::text FROM class_series ORDER BY id`);
  const refused = await run(Date.parse('2030-01-01T00:00:00Z'));
  t.equal(refused.exitCode, 3);
  t.equal(refused.refusal?.code, 'GUARD_MASS_REMOVAL');
  t.match(refused.refusal?.message, /the whole run: 3 removals, limit 2/);
  t.same(await db.query(`SELECT id, version::text FROM class_series ORDER BY id`), before, 'no series archived');
  t.same(await db.query(`SELECT count(*)::int AS n FROM class_series_archive`), [{ n: 0 }]);
  const allowed = await run(Date.parse('2030-01-01T00:00:00Z'), true);
  t.equal(allowed.exitCode, 0);
  t.equal(allowed.summary.seriesDeleted, 3, '--allow-mass-removal lets it through');
});
