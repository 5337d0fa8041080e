// One run: snapshot → plan → guards → apply branch by branch → journal.
import type { ConfigSet } from '../core/config/config-set.js';
import { ClassctlError } from '../core/errors.js';
import { allProblems, summarizePlan, type Plan, type RunMode } from '../core/plan.js';
import type { BranchPlan, PlanSummary } from '../core/plan-types.js';
import type { Problem } from '../core/errors.js';
import type { Database } from '../store/database.js';
import { finishRun, startRun } from '../store/runs.js';
import { applyBranchChanges, type BranchApplyResult } from './apply-branch.js';
import { checkApplyGuards, checkMassRemoval, checkNowSkew } from './guards.js';
import { archivesAhead, removalCounts } from './removal-guard.js';
import type { Logger } from './logger.js';
import { observeRun, snapshotInputs } from './plan-run.js';
import { DEFAULT_RETRY, describeDbError, withRetry, type RetryPolicy } from './retry.js';
import { markInterruptedRuns } from './journal.js';
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
  /** Test hook: runs after the inputs are snapshotted and the run is journaled, before anything is planned. */
  afterSnapshot?: () => Promise<void>;
  /** Test hook: runs inside each branch transaction before it commits. */
  beforeBranchCommit?: (branchId: string) => Promise<void>;
  /** Test hook: runs after every branch is written, before the journal row is finished. */
  beforeFinish?: () => Promise<void>;
  retry?: RetryPolicy;
  /** A saved plan to apply exactly: the run refuses (PLAN_STALE) unless it recomputes the same changes. */
  savedPlan?: PlanJson;
}

/**
 * Branch transactions in flight at once. Two keep the database busy while this
 * process does its part (round trips, encoding, the next plan) and let its two
 * cores each insert a branch; more only queue on the same cores.
 */
const WRITERS = 2;

export type RunOutcome = 'succeeded' | 'failed' | 'refused' | 'invalid-config';

export interface ReconcileResult {
  plan: Plan;
  summary: PlanSummary;
  runId: string | null;
  /** The interrupted run this one resumes (DESIGN §5). */
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

  if (mode === 'apply') {
    try {
      const { environment } = await checkApplyGuards(db, { expectedEnv: opts.expectedEnv, allowApply: opts.allowApply });
      if (opts.nowGuard) await checkNowSkew(db, { now, environment, allowSkew: opts.nowGuard.allowSkew, maxBehindMs: opts.nowGuard.maxBehindMs });
    } catch (err) {
      if (err instanceof ClassctlError) return refused(err, now, mode, config, log);
      throw err;
    }
  }

  const snapshot = await snapshotInputs(db);
  if (opts.savedPlan) {
    try {
      checkSavedPlanInputs(opts.savedPlan, { configDigest: config.digest, seriesVersions: Object.fromEntries(snapshot.series.map((s) => [s.id, s.version])) });
      checkNothingStarted(opts.savedPlan, clock());
    } catch (err) {
      if (err instanceof ClassctlError) return refused(err, now, mode, config, log);
      throw err;
    }
  }
  const interrupted = mode === 'apply' ? await markInterruptedRuns(db, clock) : [];
  const resumedAfter = interrupted.length > 0 ? interrupted[interrupted.length - 1]!.id : null;
  const runId = mode === 'apply' ? await startRun(db, { mode: opts.savedPlan ? 'apply-plan' : mode, nowMs: now, configDigest: config.digest, startedAtMs: startedAt, resumedAfter }) : null;
  const runLog = runId ? log.child({ runId }) : log;
  if (opts.afterSnapshot) await opts.afterSnapshot();
  for (const dead of interrupted) {
    runLog.warn({ interruptedRunId: dead.id, pid: dead.pid, host: dead.host }, `Run ${dead.id} was interrupted (its process is gone); marked interrupted. This run recomputes everything and finishes what it left.`);
  }
  runLog.info({ now: new Date(now).toISOString(), mode, configDigest: config.digest, branches: snapshot.branches.length, series: snapshot.series.length }, mode === 'apply' ? 'Reconcile run started.' : 'Planning started; nothing will be written.');

  // An apply that needs no complete plan before writing (no saved plan to
  // compare, no resume to report) plans a branch with nothing observed only
  // when it reaches it, while the branch before is being written: such a
  // branch removes no session, and the series it will archive are counted
  // ahead (archivesAhead), so the mass-removal guard still sees every removal
  // of the run before anything is written.
  const deferPlanning = mode === 'apply' && !opts.savedPlan && resumedAfter === null;
  const observed = await observeRun({ db, config, now, mode, snapshot, deferUnobserved: deferPlanning });
  const plan = observed.plan;
  for (const b of observed.branches) if (!b.deferred) plan.branches.push(await b.plan());
  const loggedProblems = new Set<Problem>();
  const result: ReconcileResult = {
    plan,
    summary: summarizePlan(plan),
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
  // A guard that refuses after planning: journal the refusal, write nothing.
  const refuseRun = async (err: unknown): Promise<ReconcileResult> => {
    if (!(err instanceof ClassctlError)) throw err;
    await completePlan();
    runLog.error({ code: err.code }, err.message);
    if (runId) await finishRun(db, runId, { status: 'failed', summary: result.summary, error: err.message, finishedAtMs: clock() });
    return { ...result, outcome: 'refused', exitCode: 3, refusal: err };
  };

  if (config.blocksAll) {
    result.outcome = 'invalid-config';
    result.exitCode = 2;
    runLog.error({ errors: result.summary.errors }, 'No branch was reconciled because the base configuration is missing or invalid; fix the documents listed above (classctl validate) and run again.');
    if (runId) await finishRun(db, runId, { status: 'failed', summary: result.summary, error: 'invalid configuration', finishedAtMs: clock() });
    return result;
  }

  if (mode === 'apply' && opts.savedPlan) {
    try {
      checkSameChanges(opts.savedPlan.changes, planToJson(plan).changes);
    } catch (err) {
      return refuseRun(err);
    }
  }

  if (mode === 'apply') {
    if (!opts.allowMassRemoval) {
      try {
        const deferred = new Set(observed.branches.filter((b) => b.deferred).map((b) => b.branchId));
        checkMassRemoval(removalCounts(plan, config, archivesAhead(deferred, snapshot, config, now)));
      } catch (err) {
        return refuseRun(err);
      }
    }
    const applyBranch = async (bp: BranchPlan): Promise<void> => {
      const branchLog = runLog.child({ branchId: bp.branchId });
      try {
        const hook = opts.beforeBranchCommit;
        const applied = await withRetry(
          () => applyBranchChanges(db, bp.branchId, bp.changes, { runId, now, beforeCommit: hook && (() => hook(bp.branchId)) }),
          opts.retry ?? DEFAULT_RETRY,
          (err, attempt, delayMs) =>
            branchLog.warn({ attempt, delayMs, code: (err as { code?: string }).code }, `Branch transaction failed with a transient database error (${(err as Error).message}); retrying in ${delayMs} ms.`),
        );
        result.branches.push(applied);
        if (applied.status === 'locked') {
          branchLog.warn('Branch skipped: another run or replica holds its lock and is reconciling it now; the next run picks it up if anything is left.');
        } else {
          branchLog.info(
            { created: applied.created, updated: applied.updated, deleted: applied.deleted, cancelled: applied.cancelled, seriesArchived: applied.seriesArchived, skipped: applied.skipped.length },
            'Branch reconciled.',
          );
          for (const s of applied.skipped) branchLog.warn({ seriesId: s.seriesId, occurrenceKey: s.occurrenceKey }, `Change not written: ${s.reason}.`);
        }
      } catch (err) {
        const message = describeDbError(err);
        result.failedBranches.push({ branchId: bp.branchId, error: message });
        branchLog.error({ err, code: (err as { code?: string }).code }, `Branch not reconciled: ${message}. Nothing of this branch was written; the next run retries it.`);
      }
    };
    // Branches are written WRITERS at a time, each in its own transaction
    // under its own lock (as two replicas would), so the database always has
    // a statement to run while this process waits on the other branch or
    // computes the next deferred plan. With a test hook that pauses before a
    // commit, one at a time: "paused at branch k" then means the branches
    // before k are committed and none after.
    const writers = opts.beforeBranchCommit ? 1 : WRITERS;
    const inFlight = new Set<Promise<void>>();
    try {
      for (const b of observed.branches) {
        const bp = await b.plan();
        while (inFlight.size >= writers) await Promise.race(inFlight);
        if (bp.changes.length === 0) continue;
        const writing: Promise<void> = applyBranch(bp).then(() => {
          inFlight.delete(writing);
        });
        inFlight.add(writing);
      }
    } finally {
      await Promise.all(inFlight);
    }
    const order = new Map(observed.branches.map((b, i) => [b.branchId, i]));
    const byBranchOrder = (a: { branchId: string }, b: { branchId: string }) => order.get(a.branchId)! - order.get(b.branchId)!;
    result.branches.sort(byBranchOrder);
    result.failedBranches.sort(byBranchOrder);
    await completePlan();
  }

  const hasErrors = allProblems(plan).some((p) => p.severity === 'error');
  if (result.failedBranches.length > 0 || hasErrors) {
    result.outcome = 'failed';
    result.exitCode = 1;
  }
  if (opts.beforeFinish) await opts.beforeFinish();
  const durationMs = clock() - startedAt;
  runLog.info({ durationMs, outcome: result.outcome, ...result.summary }, mode === 'apply' ? 'Reconcile run finished.' : 'Plan computed; nothing was written.');
  if (runId) {
    await finishRun(db, runId, {
      status: result.outcome === 'succeeded' ? 'succeeded' : 'failed',
      summary: { ...result.summary, failedBranches: result.failedBranches, ...(result.resume ? { resume: result.resume } : {}) },
      error: result.failedBranches.length ? result.failedBranches.map((f) => `${f.branchId}: ${f.error}`).join('; ') : null,
      finishedAtMs: clock(),
    });
  }
  return result;
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
  return { plan, summary: summarizePlan(plan), runId: null, resumedAfter: null, outcome: 'refused', exitCode: 3, branches: [], failedBranches: [], refusal: err };
}
