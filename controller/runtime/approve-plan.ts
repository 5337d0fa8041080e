// Approving or rejecting the plan a run held (`serve --approval`). Approving
// applies exactly that plan: a run at the held plan's `now` re-plans, every
// branch's changes must have the digest recorded when it was held (else
// PLAN_STALE, nothing written), and the run records the plan's fingerprint,
// so a second approval is refused as already applied.
import type { ConfigSet } from '../core/config/config-set.js';
import { ClassctlError, ErrorCodes } from '../core/errors.js';
import type { Database } from '../store/database.js';
import { decideApproval, findApproval, type PlanApproval } from '../store/plan-approvals.js';
import { discardBranches } from './branch-sink.js';
import type { Logger } from './logger.js';
import { approvalAsSavedPlan, type ApprovalPolicy } from './plan-approval.js';
import { reconcile, type ReconcileResult } from './reconcile.js';

export interface ApprovalActionDeps {
  db: Database;
  loadConfig: () => Promise<ConfigSet>;
  logger: Logger;
  clock?: () => number;
  /** The guards of every apply: --env / CLASSCTL_ENV and CLASSCTL_ALLOW_APPLY. */
  expectedEnv?: string;
  allowApply?: string;
  allowMassRemoval?: boolean;
  /** `serve --approval`, reported by GET /api/approvals. */
  policy: ApprovalPolicy;
  /** After an approval's run returned (metrics, status conditions, notification delivery). Must not throw. */
  afterRun?: (result: ReconcileResult, config: ConfigSet, durationSeconds: number) => Promise<void>;
}

export interface ApprovalActions {
  policy: ApprovalPolicy;
  /** Applies the pending approval `id`; throws NOT_FOUND, APPROVAL_NOT_PENDING, PLAN_ALREADY_APPLIED, PLAN_STALE or a GUARD_* refusal. */
  approve(id: string): Promise<{ approval: PlanApproval; result: ReconcileResult }>;
  /** Marks the pending approval `id` rejected: its plan is never applied (the next run that needs approval holds a new one). */
  reject(id: string): Promise<PlanApproval>;
}

async function pending(db: Database, id: string): Promise<PlanApproval> {
  const a = await findApproval(db, id);
  if (!a) throw new ClassctlError(ErrorCodes.NOT_FOUND, `No approval ${id}; GET /api/approvals lists them.`, { key: id });
  if (a.status === 'approved') {
    throw new ClassctlError(ErrorCodes.PLAN_ALREADY_APPLIED, `PLAN_ALREADY_APPLIED: approval ${id} was approved already${a.appliedRunId ? ` and applied by run ${a.appliedRunId}` : ''}; nothing was written now.`, { key: id });
  }
  if (a.status !== 'pending') {
    throw new ClassctlError(
      ErrorCodes.APPROVAL_NOT_PENDING,
      `Approval ${id} is ${a.status}${a.status === 'superseded' ? ': a newer plan replaced it (GET /api/approvals?status=pending)' : ''}; only a pending approval can be approved or rejected. Nothing was written.`,
      { key: id },
    );
  }
  return a;
}

export function createApprovalActions(deps: ApprovalActionDeps): ApprovalActions {
  return {
    policy: deps.policy,
    async approve(id) {
      const approval = await pending(deps.db, id);
      const log = deps.logger.child({ approvalId: id });
      const config = await deps.loadConfig();
      const clock = deps.clock ?? Date.now;
      const startedAt = clock();
      const result = await reconcile({
        db: deps.db,
        config,
        logger: log,
        now: approval.nowMs,
        mode: 'apply',
        clock: deps.clock,
        expectedEnv: deps.expectedEnv,
        allowApply: deps.allowApply,
        allowMassRemoval: deps.allowMassRemoval,
        savedPlan: approvalAsSavedPlan(approval),
        onBranch: discardBranches,
      });
      if (deps.afterRun) await deps.afterRun(result, config, (clock() - startedAt) / 1000);
      if (result.refusal) {
        // Applied by a run whose approval was not recorded (the process stopped in between): record it now.
        if (result.refusal.code === ErrorCodes.PLAN_ALREADY_APPLIED && result.refusal.key) await decideApproval(deps.db, id, { status: 'approved', appliedRunId: result.refusal.key });
        throw result.refusal;
      }
      if (result.outcome === 'succeeded') {
        await decideApproval(deps.db, id, { status: 'approved', appliedRunId: result.runId });
        log.info({ runId: result.runId }, `Approval ${id} was approved and applied by run ${result.runId}.`);
      } else {
        log.error({ runId: result.runId, outcome: result.outcome }, `Approval ${id} was approved, but run ${result.runId} ended ${result.outcome}; what it committed is kept, and the approval stays pending (approving it again is refused as stale once anything was written).`);
      }
      return { approval: (await findApproval(deps.db, id)) ?? approval, result };
    },
    async reject(id) {
      await pending(deps.db, id);
      if (!(await decideApproval(deps.db, id, { status: 'rejected' }))) await pending(deps.db, id);
      deps.logger.info({ approvalId: id }, `Approval ${id} was rejected: its plan will not be applied. The next run that needs approval holds its plan again.`);
      return (await findApproval(deps.db, id))!;
    },
  };
}
