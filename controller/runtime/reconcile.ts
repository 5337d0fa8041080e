// One run: snapshot → plan → guards → apply branch by branch → journal.
import type { ConfigSet } from '../core/config/config-set.js';
import { ClassctlError } from '../core/errors.js';
import { allProblems, summarizePlan, type Plan, type RunMode } from '../core/plan.js';
import type { BranchPlan, PlanSummary } from '../core/plan-types.js';
import type { Problem } from '../core/errors.js';
import type { Database } from '../store/database.js';
import type { BranchApplyResult } from './apply-branch.js';
import { writeBranches } from './apply-branches.js';
import { checkApplyGuards, checkMassRemoval, checkNowSkew } from './guards.js';
import { archivesAhead, removalCounts } from './removal-guard.js';
import type { Logger } from './logger.js';
import { observeRun, snapshotInputs } from './plan-run.js';
import { DEFAULT_RETRY, describeDbError, errorLogFields, withRetry, type RetryPolicy } from './retry.js';
import { NO_FAULTS, type RunFaults } from './run-faults.js';
import { DEFAULT_LEASE, openRunJournal, type LeasePolicy, type RunJournal } from './run-lease.js';
import { writtenSummary, type WrittenSummary } from './run-summary.js';
import { planToJson, type PlanJson } from '../core/render/plan-json.js';
import { checkNothingStarted, checkSameChanges, checkSavedPlanInputs } from './saved-plan.js';

export interface ReconcileOptions {
  db: Database;
  config: ConfigSet;
  logger: Logger;
  now: number;
  mode: RunMode;
  /** Wall clock for the journal's started/finished times (tests pass a fixed one). */
  clock?: () => number;
  expectedEnv?: string;
  allowApply?: string;
  allowMassRemoval?: boolean;
  /**
   * Apply only: compare `now` with the database clock and refuse a run far
   * from it (reconcile --apply, apply PLANFILE). Absent: any `now` (simulate, demo, tests).
   */
  nowGuard?: { allowSkew: boolean; maxBehindMs?: number };
  /** Fault-injection points (tests, CLASSCTL_FAULT_PAUSE); none in production. */
  faults?: RunFaults;
  retry?: RetryPolicy;
  /** The journal row's lease and how often it is renewed. */
  lease?: LeasePolicy;
  /** A saved plan to apply exactly: the run refuses (PLAN_STALE) unless it recomputes the same changes. */
  savedPlan?: PlanJson;
  /** Prove every branch in full instead of trusting what earlier runs recorded (reconcile --full-resync). */
  fullResync?: boolean;
  /** How long a branch may go without a full proof (default 24 h; docs/data-model.md, "Incremental runs"). */
  resyncPeriodMs?: number;
}

export type RunOutcome = 'succeeded' | 'failed' | 'refused' | 'invalid-config';

export interface ReconcileResult {
  plan: Plan;
  /** The plan's counts: what the run meant to change. */
  summary: PlanSummary;
  /** What the run's committed branch transactions wrote, branch by branch (all zero for a plan). */
  written: WrittenSummary;
  runId: string | null;
  /** The interrupted run this one resumes. */
  resumedAfter: string | null;
  /** When resuming: series the interrupted run had already converged, and those this run still changed. */
  resume?: { seriesConverged: number; seriesChanged: number };
  outcome: RunOutcome;
  exitCode: 0 | 1 | 2 | 3;
  branches: BranchApplyResult[];
  failedBranches: Array<{ branchId: string; error: string }>;
  refusal?: ClassctlError;
}

export async function reconcile(opts: ReconcileOptions): Promise<ReconcileResult> {
  const { db, config, now, mode } = opts;
  const clock = opts.clock ?? Date.now;
  const startedAt = clock();
  const log = opts.logger;
  const retry = opts.retry ?? DEFAULT_RETRY;
  const faults = opts.faults ?? NO_FAULTS;

  if (mode === 'apply') {
    try {
      // The guards' reads are retried like every other read of the run.
      const { environment } = await withRetry(() => checkApplyGuards(db, { expectedEnv: opts.expectedEnv, allowApply: opts.allowApply }), retry, logReadRetry(log, 'Reading the guard settings'));
      const nowGuard = opts.nowGuard;
      if (nowGuard) {
        await withRetry(() => checkNowSkew(db, { now, environment, allowSkew: nowGuard.allowSkew, maxBehindMs: nowGuard.maxBehindMs }), retry, logReadRetry(log, 'Reading the database clock'));
      }
    } catch (err) {
      if (err instanceof ClassctlError) return refused(err, now, mode, config, log);
      throw err;
    }
  }

  const snapshot = await withRetry(() => snapshotInputs(db), retry, logReadRetry(log, 'Reading the inputs'));
  if (opts.savedPlan) {
    try {
      checkSavedPlanInputs(opts.savedPlan, { configDigest: config.digest, seriesVersions: Object.fromEntries(snapshot.series.map((s) => [s.id, s.version])) });
      checkNothingStarted(opts.savedPlan, clock());
    } catch (err) {
      if (err instanceof ClassctlError) return refused(err, now, mode, config, log);
      throw err;
    }
  }
  const journal =
    mode === 'apply'
      ? await openRunJournal({
          db,
          log,
          retry,
          lease: opts.lease ?? DEFAULT_LEASE,
          clock,
          start: { mode: opts.savedPlan ? 'apply-plan' : mode, nowMs: now, configDigest: config.digest, startedAtMs: startedAt },
        })
      : null;
  // From here on the run row exists: it is finished on every way out.
  try {
    return await planAndApply({ ...opts, clock, retry, faults, startedAt, snapshot, journal });
  } catch (err) {
    if (journal && !journal.finished) {
      const message = describeDbError(err);
      log.child({ runId: journal.runId }).error(errorLogFields(err), `Run failed before it finished: ${message}. Branches it committed are kept; the next run does the rest.`);
      await journal.finish({ status: 'failed', summary: null, error: message });
    }
    throw err;
  } finally {
    journal?.close();
  }
}

interface RunContext extends ReconcileOptions {
  clock: () => number;
  retry: RetryPolicy;
  faults: RunFaults;
  startedAt: number;
  snapshot: Awaited<ReturnType<typeof snapshotInputs>>;
  journal: RunJournal | null;
}

async function planAndApply(ctx: RunContext): Promise<ReconcileResult> {
  const { db, config, now, mode, clock, retry, faults, snapshot, journal } = ctx;
  const runId = journal?.runId ?? null;
  const interrupted = journal?.interrupted ?? [];
  const resumedAfter = interrupted.length > 0 ? interrupted[interrupted.length - 1]!.id : null;
  const runLog = runId ? ctx.logger.child({ runId }) : ctx.logger;
  if (faults.afterSnapshot) await faults.afterSnapshot();
  for (const dead of interrupted) {
    runLog.warn({ interruptedRunId: dead.id, pid: dead.pid, host: dead.host }, `Run ${dead.id} was interrupted (${dead.leaseExpired ? 'its lease expired' : 'its process is gone'}); marked interrupted. This run recomputes everything and finishes what it left.`);
  }
  runLog.info({ now: new Date(now).toISOString(), mode, configDigest: config.digest, branches: snapshot.branches.length, series: snapshot.series.length }, mode === 'apply' ? 'Reconcile run started.' : 'Planning started; nothing will be written.');

  // An apply that needs no complete plan before writing (no saved plan to
  // compare, no resume to report, no fault point after the plan) plans a
  // branch with nothing observed only when it reaches it, while the branch
  // before is being written: such a branch removes no session, and the series
  // it will archive are counted ahead (archivesAhead), so the mass-removal
  // guard still sees every removal of the run before anything is written.
  const deferPlanning = mode === 'apply' && !ctx.savedPlan && resumedAfter === null && !faults.afterPlan;
  const observed = await observeRun({
    db, config, now, mode, snapshot, deferUnobserved: deferPlanning, retry, onRetry: logReadRetry(runLog, 'Observing sessions'),
    observedRead: 'incremental', fullResync: ctx.fullResync, resyncPeriodMs: ctx.resyncPeriodMs,
  });
  const plan = observed.plan;
  for (const b of observed.branches) if (!b.deferred) plan.branches.push(await b.plan());
  const loggedProblems = new Set<Problem>();
  const result: ReconcileResult = {
    plan,
    summary: summarizePlan(plan),
    written: writtenSummary([]),
    runId,
    resumedAfter,
    outcome: 'succeeded',
    exitCode: 0,
    branches: [],
    failedBranches: [],
  };
  /** Every branch's plan in branch order, deferred ones computed if the apply did not reach them. */
  const completePlan = async (): Promise<void> => {
    const all: BranchPlan[] = [];
    for (const b of observed.branches) all.push(await b.plan());
    plan.branches = all;
    result.summary = summarizePlan(plan);
    logProblems(runLog, plan, loggedProblems);
  };
  logProblems(runLog, plan, loggedProblems);
  if (resumedAfter !== null) {
    result.resume = convergence(plan);
    runLog.info(
      { resumedAfter, ...result.resume },
      `Resuming interrupted run ${resumedAfter}: ${result.resume.seriesConverged} series were already converged, ${result.resume.seriesChanged} still need changes.`,
    );
  }
  if (faults.afterPlan) await faults.afterPlan();
  // A guard that refuses after planning: journal the refusal, write nothing.
  const refuseRun = async (err: unknown): Promise<ReconcileResult> => {
    if (!(err instanceof ClassctlError)) throw err;
    await completePlan();
    runLog.error({ code: err.code }, err.message);
    await journal?.finish({ status: 'failed', summary: journalSummary(result), error: err.message });
    return { ...result, outcome: 'refused', exitCode: 3, refusal: err };
  };

  if (config.blocksAll) {
    result.outcome = 'invalid-config';
    result.exitCode = 2;
    runLog.error({ errors: result.summary.errors }, 'No branch was reconciled because a problem blocks the whole configuration (no base document, an invalid base, or a file that cannot be read or parsed); fix the documents listed above (classctl validate) and run again.');
    await journal?.finish({ status: 'failed', summary: journalSummary(result), error: 'invalid configuration' });
    return result;
  }

  if (mode === 'apply' && ctx.savedPlan) {
    try {
      checkSameChanges(ctx.savedPlan.changes, planToJson(plan).changes);
    } catch (err) {
      return refuseRun(err);
    }
  }

  if (mode === 'apply' && runId !== null) {
    if (!ctx.allowMassRemoval) {
      try {
        const deferred = new Set(observed.branches.filter((b) => b.deferred).map((b) => b.branchId));
        checkMassRemoval(removalCounts(plan, config, archivesAhead(deferred, snapshot, config, now)));
      } catch (err) {
        return refuseRun(err);
      }
    }
    const writes = await writeBranches({ db, branches: observed.branches, runId, now, retry, faults, log: runLog });
    result.branches = writes.branches;
    result.failedBranches = writes.failedBranches;
    result.written = writtenSummary(writes.branches);
    await completePlan();
  }

  const hasErrors = allProblems(plan).some((p) => p.severity === 'error');
  if (result.failedBranches.length > 0 || hasErrors) {
    result.outcome = 'failed';
    result.exitCode = 1;
  }
  if (faults.beforeFinish) await faults.beforeFinish();
  const durationMs = clock() - ctx.startedAt;
  const w = result.written;
  runLog.info(
    { durationMs, outcome: result.outcome, ...result.summary, written: { create: w.create, update: w.update, delete: w.delete, cancel: w.cancel, seriesDeleted: w.seriesDeleted }, conflicts: w.conflicts, lockedBranches: w.lockedBranches, failedBranches: result.failedBranches.map((f) => f.branchId) },
    mode === 'apply' ? 'Reconcile run finished.' : 'Plan computed; nothing was written.',
  );
  await journal?.finish({
    status: result.outcome === 'succeeded' ? 'succeeded' : 'failed',
    summary: journalSummary(result),
    error: result.failedBranches.length ? result.failedBranches.map((f) => `${f.branchId}: ${f.error}`).join('; ') : null,
  });
  return result;
}

/**
 * The journal's summary: at the top the counts the run wrote (what `classctl
 * runs` shows), then per branch, the locked and failed branches, and the plan.
 */
function journalSummary(r: ReconcileResult): Record<string, unknown> {
  return {
    ...r.written,
    skipped: r.summary.skipped,
    errors: r.summary.errors,
    failedBranches: r.failedBranches,
    planned: r.summary,
    ...(r.resume ? { resume: r.resume } : {}),
  };
}

function logReadRetry(log: Logger, what: string) {
  return (err: unknown, attempt: number, delayMs: number) =>
    log.warn({ attempt, delayMs, code: (err as { code?: string }).code }, `${what} failed with a transient database error (${describeDbError(err)}); retrying in ${delayMs} ms.`);
}

/** Series whose plan is empty (converged) vs. series with changes; skipped series count as neither. */
function convergence(plan: Plan): { seriesConverged: number; seriesChanged: number } {
  let converged = 0;
  let changed = 0;
  for (const b of plan.branches) {
    const withChanges = new Set(b.changes.map((c) => c.seriesId));
    const skipped = new Set(b.skippedSeries.map((s) => s.seriesId));
    changed += withChanges.size;
    converged += b.seriesIds.filter((id) => !withChanges.has(id) && !skipped.has(id)).length;
  }
  return { seriesConverged: converged, seriesChanged: changed };
}

/** Logs each problem of the plan once; `logged` remembers those logged by an earlier call. */
function logProblems(log: Logger, plan: Plan, logged: Set<object>): void {
  for (const p of allProblems(plan)) {
    if (logged.has(p)) continue;
    logged.add(p);
    const fields = { code: p.code, scope: p.scope, document: p.document, origin: p.origin, pointer: p.pointer };
    if (p.severity === 'error') log.error(fields, `Scope ${p.scope} not reconciled: ${p.message}`);
    else log.warn(fields, p.message);
  }
  // The plan's own warnings (double bookings, booked sessions changed, …), with the code the plan JSON carries.
  for (const w of [...plan.warnings, ...plan.branches.flatMap((b) => b.warnings)]) {
    if (logged.has(w)) continue;
    logged.add(w);
    const d = w.details ?? {};
    log.warn({ code: w.code, branchId: w.branchId, seriesId: d.seriesId, occurrenceKey: d.occurrenceKey }, w.message);
  }
}

function refused(err: ClassctlError, now: number, mode: RunMode, config: ConfigSet, log: Logger): ReconcileResult {
  log.error({ code: err.code }, err.message);
  const plan: Plan = { now: new Date(now).toISOString(), mode, configDigest: config.digest, branches: [], problems: [], warnings: [], seriesVersions: {} };
  return { plan, summary: summarizePlan(plan), written: writtenSummary([]), runId: null, resumedAfter: null, outcome: 'refused', exitCode: 3, branches: [], failedBranches: [], refusal: err };
}
