// The end of an apply whose plan needs a person's approval (`serve
// --approval`): every branch is planned and handed on (the output shows what
// would be done) and digested, the plan is recorded as the pending approval,
// and the run ends 'awaiting-approval' having written nothing.
import type { Plan } from '../core/plan.js';
import type { BranchPlan, PlanSummary } from '../core/plan-types.js';
import { changeToJson, planJsonTail } from '../core/render/plan-json.js';
import { planAwaitingApprovalEvent } from '../core/notifications/run-events.js';
import type { ApprovalReason, HeldPlanRecord } from '../store/plan-approvals.js';
import type { Logger } from './logger.js';
import { createHeldPlanDigest, type ApprovalPolicy } from './plan-approval.js';
import type { PendingBranch } from './plan-run.js';
import type { ReconcileResult } from './reconcile.js';
import { describeDbError, withRetry, type RetryPolicy } from './retry.js';
import type { RunJournal } from './run-lease.js';
import { journalSummary } from './run-summary.js';

export interface HoldContext {
  approval: { policy: ApprovalPolicy; hold: (plan: HeldPlanRecord, runId: string) => Promise<string> };
  reason: ApprovalReason;
  branches: readonly PendingBranch[];
  /** Counts a branch's plan and passes it to the run's sink. */
  handOn: (bp: BranchPlan) => Promise<void>;
  /** The run's counts so far (every branch handed on). */
  summary: () => PlanSummary;
  plan: Plan;
  now: number;
  configDigest: string;
  runId: string;
  journal: RunJournal | null;
  retry: RetryPolicy;
  log: Logger;
  result: ReconcileResult;
}

export async function holdForApproval(c: HoldContext): Promise<ReconcileResult> {
  const digest = createHeldPlanDigest();
  for (const p of c.branches) {
    const bp = await p.plan();
    digest.add(bp.branchId, bp.changes.map(changeToJson));
    await c.handOn(bp);
    p.release();
  }
  const result: ReconcileResult = { ...c.result, summary: c.summary(), outcome: 'awaiting-approval' };
  const tail = planJsonTail(c.plan, result.summary);
  const held = digest.finish({ nowMs: c.now, reason: c.reason, configDigest: c.configDigest, seriesVersions: c.plan.seriesVersions, summary: tail.summary, warnings: tail.warnings.length });
  const approvalId = await withRetry(() => c.approval.hold(held, c.runId), c.retry, (err, attempt, delayMs) =>
    c.log.warn({ attempt, delayMs }, `Recording the plan for approval failed with a transient database error (${describeDbError(err)}); retrying in ${delayMs} ms.`),
  );
  const s = result.summary;
  const what = c.reason === 'removals' ? `${s.delete} deletes, ${s.cancel} cancels and ${s.seriesDeleted} archives` : `${s.create + s.update + s.delete + s.cancel + s.seriesDeleted} changes`;
  c.log.warn(
    { approvalId, reason: c.reason, ...s },
    `The plan needs approval (--approval ${c.approval.policy}: ${what}); nothing was written. It waits as approval ${approvalId}: approve it in the console or with POST /api/approvals/${approvalId}/approve.`,
  );
  const events = [planAwaitingApprovalEvent({ runId: c.runId, now: new Date(c.now).toISOString(), mode: 'apply' }, { id: approvalId, reason: c.reason, totals: held.totals })];
  await c.journal?.finish({ status: 'awaiting-approval', summary: { ...journalSummary(result), awaitingApproval: { approvalId, reason: c.reason, planned: held.totals } }, error: null, events });
  return { ...result, approvalId };
}
