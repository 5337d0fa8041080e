// One run of the controller loop: read the configuration again (documents may
// have changed since the last run), apply, record metrics. Never throws: the
// loop must outlive a database outage or a broken document.
import type { ConfigSet } from '../core/config/config-set.js';
import { ClassctlError } from '../core/errors.js';
import type { Database } from '../store/database.js';
import type { TriggerReason } from './controller-loop.js';
import type { Logger } from './logger.js';
import { discardBranches } from './branch-sink.js';
import { recordRun, recordRunError, type ControllerMetrics } from './metrics.js';
import { reconcile, type ReconcileOptions, type ReconcileResult } from './reconcile.js';
import { describeDbError, errorLogFields } from './retry.js';
import type { ApprovalPolicy } from './plan-approval.js';
import { holdPlan, supersedePending } from '../store/plan-approvals.js';
import { SeriesSnapshotCache } from '../store/series-cache.js';

/**
 * A run that planned and wrote without needing approval: a plan still
 * waiting is no longer what the controller would do (approving it would be
 * refused as stale), so it is marked superseded.
 */
async function supersedeWaitingPlan(db: Database, log: Logger): Promise<void> {
  try {
    const id = await supersedePending(db);
    if (id !== null) log.info({ approvalId: id }, `Approval ${id} is superseded: this run's plan needed no approval, so the held plan is no longer what the controller would do.`);
  } catch (err) {
    log.warn(errorLogFields(err), `Could not mark the waiting approval superseded (${describeDbError(err)}); approving it will be refused as stale.`);
  }
}

export interface ControllerRunDeps {
  db: Database;
  loadConfig: () => Promise<ConfigSet>;
  metrics: ControllerMetrics;
  logger: Logger;
  clock?: () => number;
  /** --env / CLASSCTL_ENV and CLASSCTL_ALLOW_APPLY: the same guards as `reconcile --apply`. */
  expectedEnv?: string;
  allowApply?: string;
  allowMassRemoval?: boolean;
  /** How long a branch may go without a full proof between incremental runs (default 24 h). */
  resyncPeriodMs?: number;
  /** After each run that returned a result: e.g. write SchedulingConfig status conditions. Must not throw. */
  afterRun?: (result: ReconcileResult, config: ConfigSet) => Promise<void>;
  /** Fault-injection points passed through to every run (tests); none in production. */
  faults?: ReconcileOptions['faults'];
  /** `serve --approval`: which plans wait for a person's approval instead of being applied (default never). */
  approval?: ApprovalPolicy;
}

export type ControllerRun = (reasons: TriggerReason[]) => Promise<ReconcileResult | null>;

export function createControllerRun(deps: ControllerRunDeps): ControllerRun {
  const clock = deps.clock ?? Date.now;
  // The series of the last run, reused while the table is unchanged: most
  // runs (a timer, a day roll) follow no series edit (store/series-cache.ts).
  const seriesCache = new SeriesSnapshotCache();
  return async (reasons) => {
    const startedAt = clock();
    const log = deps.logger.child({ trigger: reasons.join(',') });
    try {
      const config = await deps.loadConfig();
      const result = await reconcile({
        db: deps.db,
        config,
        logger: log,
        now: startedAt,
        mode: 'apply',
        clock,
        expectedEnv: deps.expectedEnv,
        allowApply: deps.allowApply,
        allowMassRemoval: deps.allowMassRemoval,
        resyncPeriodMs: deps.resyncPeriodMs,
        seriesCache,
        faults: deps.faults,
        ...(deps.approval && deps.approval !== 'never'
          ? { approval: { policy: deps.approval, hold: async (plan, runId) => (await holdPlan(deps.db, plan, runId)).id } }
          : {}),
        // The loop needs the run's counts only: it never holds a branch's changes past its write.
        onBranch: discardBranches,
      });
      if (result.runId !== null && (result.outcome === 'succeeded' || result.outcome === 'failed')) await supersedeWaitingPlan(deps.db, log);
      const finishedAt = clock();
      // reconcile() has logged the run (start, branches, refusal, summary); only metrics are left.
      recordRun(deps.metrics, result, (finishedAt - startedAt) / 1000, finishedAt);
      if (deps.afterRun) await deps.afterRun(result, config);
      return result;
    } catch (err) {
      recordRunError(deps.metrics, (clock() - startedAt) / 1000);
      const fields = err instanceof ClassctlError ? { err, code: err.code } : errorLogFields(err);
      log.error(fields, `Controller run failed before it could finish (${describeDbError(err)}); the next trigger or interval runs again.`);
      return null;
    }
  };
}
