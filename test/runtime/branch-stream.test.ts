// A run hands each branch's plan to a sink in branch order and keeps only
// counts; the mass-removal guard still counts every removal before anything
// is written, also when branches are let go of and planned again.
import t from 'tap';
import type { BranchPlan } from '../../controller/core/plan-types.js';
import { changeToJson } from '../../controller/core/render/plan-json.js';
import { reconcile, type ReconcileOptions } from '../../controller/runtime/reconcile.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { eachBackend } from '../helpers/backends.js';
import { BASE_SETTINGS, baseConfig, configOf, doc, silentLogger } from '../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const BRANCHES = ['b1', 'b2', 'b3', 'b4'];

const data = {
  branches: BRANCHES.map((id) => ({ id, name: id, timezone: 'Europe/London' })),
  series: BRANCHES.flatMap((b) =>
    ['a', 'b'].map((s) => ({ id: `${b}-${s}`, branchId: b, title: 'Daily', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '18:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: [] })),
  ),
};

const run = (db: Database, over: Partial<ReconcileOptions> = {}) => reconcile({ db, config: baseConfig(), logger: silentLogger(), now: NOW, mode: 'apply', clock: () => NOW, ...over });
const count = async (db: Database) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions`))[0]!.n;
const jsonOf = (branches: BranchPlan[]) => branches.map((b) => ({ branchId: b.branchId, changes: b.changes.map(changeToJson) }));

/** Sessions to create, update and delete in every branch: b1's series end early, b2's change capacity, b3 gets a new series. */
async function changedInputs(db: Database): Promise<void> {
  const r = await loadInputs(db, data);
  if (r.problems.length) throw new Error(JSON.stringify(r.problems));
  await run(db);
  await db.query(`UPDATE class_series SET end_date = '2026-11-30' WHERE branch_id = 'b1'`);
  await db.query(`UPDATE class_series SET capacity = 12 WHERE branch_id = 'b2'`);
  await db.query(`UPDATE class_series SET start_time = '19:00' WHERE id = 'b3-a'`);
}

const streamRows: Array<{ name: string; mode: 'plan' | 'apply'; budget?: number }> = [
  { name: 'a plan streamed to a sink equals the whole plan, branch by branch in order', mode: 'plan' },
  { name: 'an apply streams every branch once written, in order, equal to the whole plan', mode: 'apply' },
  { name: 'an apply whose held-changes budget is exceeded plans the branches past it again, with the same result', mode: 'apply', budget: 3 },
  { name: 'an apply with no budget at all plans every branch again at its write, with the same result', mode: 'apply', budget: 0 },
];

for (const row of streamRows) {
  eachBackend(t, row.name, async (t, db) => {
    await changedInputs(db);
    const whole = await run(db, { mode: 'plan' });
    const streamed: BranchPlan[] = [];
    const r = await run(db, { mode: row.mode, heldChangesBudget: row.budget, onBranch: (b) => void streamed.push(b) });
    t.equal(r.exitCode, 0);
    t.same(streamed.map((b) => b.branchId), BRANCHES, 'every branch, in branch order');
    t.same(jsonOf(streamed), jsonOf(whole.plan.branches), 'the same changes');
    t.same(r.summary, whole.summary, 'the same counts');
    t.ok(r.plan.branches.every((b) => b.changes.length === 0), 'the result keeps branches without their changes');
    t.same(r.plan.branches.map((b) => b.branchId), BRANCHES);
    if (row.mode === 'apply') {
      const w = r.written;
      t.same([w.create, w.update, w.delete], [whole.summary.create, whole.summary.update, whole.summary.delete], 'everything planned was written');
      const after = await run(db, { mode: 'plan' });
      t.same([after.summary.create, after.summary.update, after.summary.delete], [0, 0, 0], 'converged');
    }
  });
}

const guardRows: Array<{ name: string; budget?: number }> = [
  { name: 'removals spread over many branches, each under its limit, are refused for the whole run before anything is written' },
  { name: 'the same with the held-changes budget exceeded: the guard counts the branches it let go of', budget: 1 },
];

for (const row of guardRows) {
  eachBackend(t, row.name, async (t, db) => {
    await loadInputs(db, data);
    await run(db);
    await db.query(`UPDATE class_series SET end_date = '2026-12-03'`);
    const before = await db.query(`SELECT id, status FROM class_sessions ORDER BY id`);
    // Each branch removes 2 × 6 sessions (12 ≤ 15); the run removes 48 > 15.
    const limited = configOf(doc('base', {}, { ...BASE_SETTINGS, safety: { maxRemovalsPerRun: 15 } }));
    const streamed: string[] = [];
    const r = await run(db, { config: limited, heldChangesBudget: row.budget, onBranch: (b) => void streamed.push(b.branchId) });
    t.equal(r.refusal?.code, 'GUARD_MASS_REMOVAL');
    t.match(r.refusal?.message, /the whole run: 48 removals, limit 15/);
    t.notMatch(r.refusal?.message, /branch b\d/, 'no branch is over its own limit');
    t.same(await db.query(`SELECT id, status FROM class_sessions ORDER BY id`), before, 'nothing written');
    t.same(streamed, BRANCHES, 'the refused plan is still handed on, every branch in order');
    t.equal(r.summary.delete, 48, 'and counted');
  });
}

eachBackend(t, 'a branch planned again that would remove more than the guard counted is not written; the others are', async (t, db) => {
  await loadInputs(db, data);
  await run(db);
  await db.query(`UPDATE class_series SET end_date = '2026-12-03' WHERE branch_id = 'b2'`);
  // Between the planning pass and the writes, sessions appear that the plan of b2 would also delete.
  const afterPlan = async () => {
    await db.query(
      `INSERT INTO class_sessions (series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone, capacity)
       SELECT series_id, branch_id, '2026-12-20', title, starts_at + interval '10 days', ends_at + interval '10 days', timezone, capacity
         FROM class_sessions WHERE branch_id = 'b2' AND occurrence_key = '2026-12-08'`,
    );
  };
  await db.query(`UPDATE class_series SET capacity = 11 WHERE branch_id = 'b3'`);
  const b2Before = await db.query(`SELECT count(*)::int AS n FROM class_sessions WHERE branch_id = 'b2'`);
  const r = await run(db, { heldChangesBudget: 0, faults: { afterPlan }, onBranch: () => {} });
  t.equal(r.exitCode, 1);
  t.same(r.failedBranches.map((f) => f.branchId), ['b2']);
  t.match(r.failedBranches[0]!.error, /removes 14 sessions or series where the mass-removal guard counted 12/);
  t.same(await db.query(`SELECT count(*)::int AS n FROM class_sessions WHERE branch_id = 'b2'`), [{ n: b2Before[0]!.n + 2 }], 'nothing of b2 removed');
  t.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions WHERE branch_id = 'b3' AND capacity = 11`))[0]!.n > 0, true, 'b3 written');
  t.ok((await count(db)) > 0);
});
