// One run: snapshot → plan → guards → apply branch by branch → journal.
import type { ConfigSet } from '../core/config/config-set.js';
import { ClassctlError } from '../core/errors.js';
import { allProblems, summarizePlan, type Plan, type RunMode } from '../core/plan.js';
import type { BranchPlan, PlanSummary } from '../core/plan-types.js';
import type { Database } from '../store/database.js';
import { findRunByPlanFingerprint } from '../store/runs.js';
import type { BranchApplyResult } from './apply-branch.js';
import { writeBranches } from './apply-branches.js';
import { checkApplyGuards, checkMassRemoval, checkNowSkew } from './guards.js';
import { archivesAhead, removalCounts } from './removal-guard.js';
import { warnIfServerHashesDiffer } from './server-hashes.js';
import { createHeldPlans, HELD_CHANGES_BUDGET } from './held-plans.js';
import { pruneExpiredHistory } from './history-retention.js';
import type { Logger } from './logger.js';
import { observeRun, snapshotInputs, type PendingBranch } from './plan-run.js';
import { startEarlyObservations, type EarlyObservations } from './early-observations.js';
import { DEFAULT_RETRY, describeDbError, errorLogFields, withRetry, type RetryPolicy } from './retry.js';
import { NO_FAULTS, type RunFaults } from './run-faults.js';
import { DEFAULT_LEASE, openRunJournal, type LeasePolicy, type RunJournal } from './run-lease.js';
import { countConvergence, journalSummary, writtenSummary, type WrittenSummary } from './run-summary.js';
import { changeToJson, type PlanJson } from '../core/render/plan-json.js';
import { approvalReason, type ApprovalPolicy } from './plan-approval.js';
import { holdForApproval } from './hold-for-approval.js';
import type { HeldPlanRecord } from '../store/plan-approvals.js';
import type { SeriesSnapshotCache } from '../store/series-cache.js';
import type { BranchSink } from './branch-sink.js';
import { createRunTally } from './run-tally.js';
import { describeTarget, isWholeRun, resolveTarget, savedTarget, type ResolvedTarget, type RunTarget } from '../core/run-target.js';
import { scopeSnapshot, targetSeriesVersions } from './target-scope.js';
import { checkNotAppliedBefore, checkNothingStarted, checkSameChanges, checkSavedPlanInputs, savedPlanInMemory, staleLeftover, type SavedPlanSource } from './saved-plan.js';
import { finishedRunEvents, recordRefusalWithoutJournal, refusedRunEvents } from './notifications/run-notifications.js';

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
  savedPlan?: PlanJson | SavedPlanSource;
  /**
   * Receives every branch's plan in branch order: once computed (a plan), once
   * written (an apply). With a sink the run keeps only counts, and
   * `result.plan.branches` holds each branch without its changes. Without
   * one, the run keeps every branch's plan whole in `result.plan` — for tests
   * and small callers only: its memory then grows with the run's changes.
   */
  onBranch?: BranchSink;
  /**
   * Apply: how many changes planned before the mass-removal guard may be kept
   * until their branch is written. A branch past it is planned again when the
   * apply reaches it (default HELD_CHANGES_BUDGET; tests set a few).
   */
  heldChangesBudget?: number;
  /** Prove every branch in full instead of trusting what earlier runs recorded (reconcile --full-resync). */
  fullResync?: boolean;
  /** How long a branch may go without a full proof (default 24 h; docs/data-model.md, "Incremental runs"). */
  resyncPeriodMs?: number;
  /**
   * The series an earlier run of this process read, reused while class_series
   * holds the same row versions (`serve`: one for the process's life).
   */
  seriesCache?: SeriesSnapshotCache;
  /**
   * Apply: hold the plan for a person's approval instead of writing it when
   * the policy says so (`serve --approval`). Every branch is then planned
   * before anything is written; a held run writes nothing and ends
   * 'awaiting-approval'. Not with a saved plan (that one was approved).
   */
  approval?: { policy: ApprovalPolicy; hold: (plan: HeldPlanRecord, runId: string) => Promise<string> };
  /**
   * --branch / --series: the run plans and writes only these (absent or
   * empty: every branch). An id the database does not have is a NOT_FOUND,
   * thrown before anything is written or journaled.
   */
  target?: RunTarget;
}

export { HELD_CHANGES_BUDGET };

export type RunOutcome = 'succeeded' | 'failed' | 'refused' | 'invalid-config' | 'awaiting-approval';

export interface ReconcileResult {
  /**
   * The run's plan. Its branches are whole only for a run without `onBranch`;
   * with a sink, each is kept without its changes and kept sessions (counted
   * in `summary`).
   */
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
  /** A targeted run's target, as recorded in its journal row. */
  target?: RunTarget;
  /** Recorded changes past history.retainDays deleted at the end of an applied run (absent: no cleanup ran). */
  historyPruned?: number;
  /** A run that held its plan for approval (outcome awaiting-approval): the pending approval's id. */
  approvalId?: string;
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
      if (err instanceof ClassctlError) return refused(err, now, mode, config, log, db);
      throw err;
    }
  }

  // A whole run on PostgreSQL reads the digests of the branches due for a
  // full proof while it reads the inputs (early-observations.ts); not on a
  // database of one connection (PGlite, a scratch copy), where they would
  // only queue before the snapshot.
  const early = isWholeRun(opts.target) && !opts.savedPlan && db.kind === 'postgres' && db.lockScope === undefined ? startEarlyObservations({ db, now, resyncPeriodMs: opts.resyncPeriodMs, fullResync: opts.fullResync }) : undefined;
  const snapshot = await withRetry(() => snapshotInputs(db, opts.seriesCache), retry, logReadRetry(log, 'Reading the inputs'));
  const savedPlan = opts.savedPlan && ('changes' in opts.savedPlan ? savedPlanInMemory(opts.savedPlan) : opts.savedPlan);
  // A saved plan is applied to the target it was made for, and to no other.
  const wanted = savedPlan ? savedTarget(savedPlan.target ?? null, opts.target) : opts.target;
  const target = isWholeRun(wanted) ? null : resolveTarget(wanted!, snapshot);
  if (savedPlan) {
    const fingerprint = savedPlan.fingerprint;
    const earlier = fingerprint ? await withRetry(() => findRunByPlanFingerprint(db, fingerprint), retry, logReadRetry(log, 'Reading the runs that applied this plan')) : null;
    try {
      // Before the staleness check: a plan applied already has changed the sessions it names, so it would read as stale.
      checkNotAppliedBefore(earlier);
      checkSavedPlanInputs(savedPlan, { configDigest: config.digest, seriesVersions: targetSeriesVersions(target, snapshot) });
      checkNothingStarted(savedPlan, clock());
    } catch (err) {
      if (err instanceof ClassctlError) return refused(err, now, mode, config, log, db);
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
          start: { mode: opts.savedPlan ? 'apply-plan' : mode, nowMs: now, configDigest: config.digest, startedAtMs: startedAt, planFingerprint: savedPlan?.fingerprint ?? null },
        })
      : null;
  // From here on the run row exists: it is finished on every way out.
  try {
    return await planAndApply({ ...opts, savedPlan, clock, retry, faults, startedAt, snapshot, journal, resolvedTarget: target, early });
  } catch (err) {
    if (journal && !journal.finished) {
      const message = describeDbError(err);
      log.child({ runId: journal.runId }).error(errorLogFields(err), `Run failed before it finished: ${message}. Branches it committed are kept; the next run does the rest.`);
      await journal.finish({ status: 'failed', summary: null, error: message, events: finishedRunEvents(runFacts(journal.runId, now, mode), config, { failed: true, error: message, failedBranches: [], errors: 0 }) });
    }
    throw err;
  } finally {
    journal?.close();
  }
}

interface RunContext extends Omit<ReconcileOptions, 'savedPlan'> {
  savedPlan: SavedPlanSource | undefined;
  clock: () => number;
  retry: RetryPolicy;
  faults: RunFaults;
  startedAt: number;
  snapshot: Awaited<ReturnType<typeof snapshotInputs>>;
  journal: RunJournal | null;
  resolvedTarget: ResolvedTarget | null;
  early: EarlyObservations | undefined;
}

async function planAndApply(ctx: RunContext): Promise<ReconcileResult> {
  const { db, config, now, mode, clock, retry, faults, snapshot, journal } = ctx;
  const runId = journal?.runId ?? null;
  const interrupted = journal?.interrupted ?? [];
  const resumedAfter = interrupted.length > 0 ? interrupted[interrupted.length - 1]!.id : null;
  const target = ctx.resolvedTarget;
  const runLog = runId ? ctx.logger.child({ runId }) : ctx.logger;
  if (faults.afterSnapshot) await faults.afterSnapshot();
  for (const dead of interrupted) {
    runLog.warn({ interruptedRunId: dead.id, pid: dead.pid, host: dead.host }, `Run ${dead.id} was interrupted (${dead.leaseExpired ? 'its lease expired' : 'its process is gone'}); marked interrupted. ${target ? 'This targeted run finishes what it left in its target; the next full run does the rest.' : 'This run recomputes everything and finishes what it left.'}`);
  }
  const scoped = scopeSnapshot(target, snapshot);
  runLog.info(
    { now: new Date(now).toISOString(), mode, configDigest: config.digest, branches: scoped.branches.length, series: scoped.series.length, ...(target ? { target: target.target } : {}) },
    (mode === 'apply' ? 'Reconcile run started' : 'Planning started; nothing will be written') + (target ? `, targeted at ${describeTarget(target.target)}: nothing else is read or written.` : '.'),
  );

  // An apply that needs no complete plan before writing (no saved plan to
  // compare, no resume to report, no fault point after the plan) plans a
  // branch with nothing observed only when it reaches it, while the branch
  // before is being written: such a branch removes no session, and the series
  // it will archive are counted ahead (archivesAhead), so the mass-removal
  // guard still sees every removal of the run before anything is written.
  const savedPlan = ctx.savedPlan;
  const approval = mode === 'apply' && !savedPlan && ctx.approval && ctx.approval.policy !== 'never' ? ctx.approval : null;
  const deferPlanning = mode === 'apply' && !savedPlan && resumedAfter === null && !faults.afterPlan && approval === null;
  const sink = ctx.onBranch;
  const keepChanges = sink === undefined;
  const tally = createRunTally(runLog, keepChanges);
  const held = createHeldPlans(keepChanges ? Infinity : (ctx.heldChangesBudget ?? HELD_CHANGES_BUDGET), savedPlan !== undefined);
  const resume = { seriesConverged: 0, seriesChanged: 0 };
  let staleError: unknown = null;

  /** Hands a branch's plan to the sink and counts it; the run lets go of it afterwards. */
  const handOn = async (bp: BranchPlan, written?: Parameters<BranchSink>[1]): Promise<void> => {
    tally.record(bp);
    if (sink) await sink(bp, written);
  };
  const onObserved = async (p: PendingBranch): Promise<void> => {
    if (p.deferred) return;
    const bp = await p.plan();
    if (savedPlan && staleError === null) {
      try {
        if (savedPlan.checkBranch) savedPlan.checkBranch(bp.branchId, bp.changes.map(changeToJson));
        else checkSameChanges(await savedPlan.changesOf(bp.branchId), bp.changes.map(changeToJson));
      } catch (err) {
        staleError = err;
      }
    }
    if (resumedAfter !== null) countConvergence(bp, resume);
    if (mode === 'plan') {
      await handOn(bp);
      p.release();
      return;
    }
    held.count(p, bp);
  };
  await warnIfServerHashesDiffer(db, runLog);
  const observed = await observeRun({
    db, config, now, mode, snapshot, deferUnobserved: deferPlanning, onObserved, retry, onRetry: logReadRetry(runLog, 'Observing sessions'),
    observedRead: 'incremental', fullResync: ctx.fullResync, resyncPeriodMs: ctx.resyncPeriodMs, target, early: ctx.early,
  });
  const plan = observed.plan;
  plan.branches = tally.branches;
  tally.logRunProblems(plan);
  const result: ReconcileResult = {
    plan,
    summary: tally.summary(plan),
    written: writtenSummary([]),
    runId,
    resumedAfter,
    outcome: 'succeeded',
    exitCode: 0,
    branches: [],
    failedBranches: [],
    ...(target ? { target: target.target } : {}),
  };
  if (savedPlan && staleError === null) {
    try {
      const left = await savedPlan.leftover();
      if (left) staleLeftover(left);
    } catch (err) {
      staleError = err;
    }
  }
  if (resumedAfter !== null) {
    result.resume = resume;
    runLog.info(
      { resumedAfter, ...result.resume },
      `Resuming interrupted run ${resumedAfter}: ${result.resume.seriesConverged} series were already converged, ${result.resume.seriesChanged} still need changes.`,
    );
  }
  if (faults.afterPlan) await faults.afterPlan();
  // A guard that refuses after planning writes nothing. Every branch is still
  // counted (the journal's planned summary) and handed on, so the output shows
  // what the run would have done — except for a saved plan: it was reviewed
  // already, and the refusal says why it is not applied.
  const refuseRun = async (err: unknown, counts?: Record<string, unknown>): Promise<ReconcileResult> => {
    if (!(err instanceof ClassctlError)) throw err;
    for (const p of observed.branches) {
      const bp = await p.plan();
      if (savedPlan && !keepChanges) tally.record(bp);
      else await handOn(bp);
      p.release();
    }
    result.summary = tally.summary(plan);
    runLog.error({ code: err.code }, err.message);
    await journal?.finish({ status: 'failed', summary: journalSummary(result), error: err.message, events: refusedRunEvents(runFacts(runId, now, mode), err, counts) });
    return { ...result, outcome: 'refused', exitCode: 3, refusal: err };
  };

  if (config.blocksAll) {
    result.outcome = 'invalid-config';
    result.exitCode = 2;
    runLog.error({ errors: result.summary.errors }, 'No branch was reconciled because a problem blocks the whole configuration (no base document, an invalid base, or a file that cannot be read or parsed); fix the documents listed above (classctl validate) and run again.');
    await journal?.finish({ status: 'failed', summary: journalSummary(result), error: 'invalid configuration', events: finishedRunEvents(runFacts(runId, now, mode), config, { failed: false, error: null, failedBranches: [], errors: 0 }) });
    return result;
  }

  if (mode === 'apply' && staleError !== null) return refuseRun(staleError);

  if (mode === 'apply' && runId !== null) {
    const deferred = new Set(observed.branches.filter((b) => b.deferred).map((b) => b.branchId));
    const ahead = archivesAhead(deferred, scoped, config, now);
    if (!ctx.allowMassRemoval) {
      let removals: ReturnType<typeof removalCounts> = [];
      try {
        const counted = new Map(observed.branches.map((b) => [b.branchId, held.removals(b.branchId) ?? ahead.get(b.branchId) ?? 0]));
        removals = removalCounts({ branches: [] }, config, counted);
        checkMassRemoval(removals);
      } catch (err) {
        return refuseRun(err, { removals });
      }
    }
    // After the guards: a plan they refuse is not offered for approval (approving could not apply it).
    const planned = held.planned();
    const reason = approval ? approvalReason(approval.policy, { ...planned, seriesDeleted: planned['delete-series'] }) : null;
    if (approval && reason !== null) {
      return holdForApproval({
        approval, reason, branches: observed.branches, handOn, summary: () => tally.summary(plan), plan, now, configDigest: config.digest, runId, journal, retry, log: runLog, result,
      });
    }
    // A branch planned again, or planned only now, is written only if the
    // guard's counts still hold for it (and, for a saved plan, only if it is
    // exactly the plan that was compared with the file).
    const check = (p: PendingBranch, bp: BranchPlan) => held.refusal(p, bp, ahead.get(p.branchId) ?? 0);
    const writes = await writeBranches({ db, branches: observed.branches, runId, now, retry, faults, log: runLog, check, onWritten: handOn });
    result.branches = writes.branches;
    result.failedBranches = writes.failedBranches;
    result.written = writtenSummary(writes.branches);
    result.historyPruned = await pruneExpiredHistory(db, config, snapshot.branches.map((b) => b.id), runLog);
  }
  result.summary = tally.summary(plan);

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
  const error = result.failedBranches.length ? result.failedBranches.map((f) => `${f.branchId}: ${f.error}`).join('; ') : null;
  await journal?.finish({
    status: result.outcome === 'succeeded' ? 'succeeded' : 'failed',
    summary: journalSummary(result),
    error,
    events: finishedRunEvents(runFacts(runId, now, mode), config, { failed: result.outcome === 'failed', error, failedBranches: result.failedBranches, errors: result.summary.errors }),
  });
  return result;
}

function logReadRetry(log: Logger, what: string) {
  return (err: unknown, attempt: number, delayMs: number) =>
    log.warn({ attempt, delayMs, code: (err as { code?: string }).code }, `${what} failed with a transient database error (${describeDbError(err)}); retrying in ${delayMs} ms.`);
}

async function refused(err: ClassctlError, now: number, mode: RunMode, config: ConfigSet, log: Logger, db: Database): Promise<ReconcileResult> {
  log.error({ code: err.code }, err.message);
  await recordRefusalWithoutJournal(db, log, err, refusedRunEvents({ runId: null, now: new Date(now).toISOString(), mode }, err));
  const plan: Plan = { now: new Date(now).toISOString(), mode, configDigest: config.digest, branches: [], problems: [], warnings: [], seriesVersions: {} };
  return { plan, summary: summarizePlan(plan), written: writtenSummary([]), runId: null, resumedAfter: null, outcome: 'refused', exitCode: 3, branches: [], failedBranches: [], refusal: err };
}

function runFacts(runId: string | null, now: number, mode: RunMode) {
  return { runId, now: new Date(now).toISOString(), mode };
}
