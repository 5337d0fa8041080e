// A saved plan file applied once is refused the second time as already
// applied by that run (PLAN_ALREADY_APPLIED), before the staleness check
// (which would only say that the sessions changed).
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { reconcile, type ReconcileOptions } from '../../controller/runtime/reconcile.js';
import { planToJson } from '../../controller/core/render/plan-json.js';
import { readSavedPlanFile } from '../../controller/runtime/saved-plan-file.js';
import { checkNotAppliedBefore } from '../../controller/runtime/saved-plan.js';
import { eachBackend } from '../helpers/backends.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const FINISHED = Date.parse('2026-11-25T15:01:00Z');

t.test('checkNotAppliedBefore', async (t) => {
  const rows: Array<{ name: string; earlier: { id: string; status: string; finishedAtMs: number | null } | null; refused: RegExp | null }> = [
    { name: 'never applied: go on to the staleness check', earlier: null, refused: null },
    { name: 'applied by a run that succeeded: refused, naming it', earlier: { id: '12', status: 'succeeded', finishedAtMs: FINISHED }, refused: /^PLAN_ALREADY_APPLIED: this plan was already applied by run 12 \(finished 2026-11-25T15:01:00\.000Z\)/ },
    { name: 'being applied by a run now: refused, naming it', earlier: { id: '13', status: 'running', finishedAtMs: null }, refused: /^PLAN_ALREADY_APPLIED: this plan is being applied by run 13 right now/ },
    { name: 'a run that failed: left to the staleness check (it may have written nothing)', earlier: { id: '14', status: 'failed', finishedAtMs: FINISHED }, refused: null },
    { name: 'an interrupted run: left to the staleness check', earlier: { id: '15', status: 'interrupted', finishedAtMs: FINISHED }, refused: null },
  ];
  for (const row of rows) {
    if (row.refused) t.throws(() => checkNotAppliedBefore(row.earlier), { code: 'PLAN_ALREADY_APPLIED', message: row.refused }, row.name);
    else t.doesNotThrow(() => checkNotAppliedBefore(row.earlier), row.name);
  }
});

const data = {
  branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
  series: [
    { id: 'ny-daily', branchId: 'ny', title: 'Daily', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '18:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: [] },
  ],
};

const run = (db: Database, over: Partial<ReconcileOptions> = {}) =>
  reconcile({ db, config: baseConfig(), logger: silentLogger(), now: NOW, mode: 'apply', clock: () => NOW, ...over });

eachBackend(t, 'the same plan file twice: the second is PLAN_ALREADY_APPLIED naming the first run; the run records the fingerprint', async (t, db) => {
  await loadInputs(db, data);
  const planned = await run(db, { mode: 'plan' });
  const file = join(t.testdirName, 'plan.json');
  t.testdir({});
  writeFileSync(file, JSON.stringify(planToJson(planned.plan), null, 2));
  const first = await run(db, { savedPlan: await readSavedPlanFile(file) });
  t.equal(first.exitCode, 0, first.refusal?.message ?? 'applied');
  t.ok(first.runId);
  const recorded = await db.query<{ fingerprint: string | null }>(`SELECT plan_fingerprint AS fingerprint FROM reconcile_runs WHERE id = $1::bigint`, [first.runId]);
  t.match(recorded[0]?.fingerprint, /^[0-9a-f]{64}$/, 'the sha256 of the file is on the run');

  const second = await run(db, { savedPlan: await readSavedPlanFile(file) });
  t.equal(second.exitCode, 3);
  t.equal(second.refusal?.code, 'PLAN_ALREADY_APPLIED');
  t.match(second.refusal?.message, `this plan was already applied by run ${first.runId}`);
  t.equal(second.runId, null, 'the refusal journals no run');

  // A copy of the same bytes is the same plan.
  const copy = join(t.testdirName, 'copy.json');
  writeFileSync(copy, JSON.stringify(planToJson(planned.plan), null, 2));
  t.equal((await run(db, { savedPlan: await readSavedPlanFile(copy) })).refusal?.code, 'PLAN_ALREADY_APPLIED', 'a byte-identical copy');

  // An unapplied plan whose sessions were written by another run is still just stale.
  const other = join(t.testdirName, 'other.json');
  writeFileSync(other, JSON.stringify({ ...planToJson(planned.plan), now: new Date(NOW + 1000).toISOString() }, null, 2));
  t.equal((await run(db, { savedPlan: await readSavedPlanFile(other), now: NOW + 1000 })).refusal?.code, 'PLAN_STALE', 'another plan file: the staleness check decides');
});
