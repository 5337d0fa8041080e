// The planning half of a run: snapshot the inputs, then observe and plan
// branch by branch.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ConfigSet } from '../core/config/config-set.js';
import { localDateAt } from '../core/generation/local-date.js';
import { isValidTimeZone } from '../core/generation/series-validation.js';
import { generateSeries, planBranch, type BranchGeneration, type SeriesOutcome } from '../core/plan-branch.js';
import type { Plan, RunMode } from '../core/plan.js';
import type { BranchPlan } from '../core/plan-types.js';
import type { Branch, ClassSeries, LocalDate, ObservedSession } from '../core/types.js';
import type { Database } from '../store/database.js';
import { readArchivedSeriesIds, readBranches, readSeries } from '../store/inputs.js';
import { matchesDigest, readBranchObservations, type SeriesDigest } from '../store/series-digests.js';
import { readObservedSessions } from '../store/sessions.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';

export interface InputSnapshot {
  branches: Branch[];
  series: ClassSeries[];
  archivedSeriesIds: Set<string>;
}

/**
 * A run reads its inputs once, in one repeatable-read transaction, and
 * finishes with them even if a series is edited meanwhile.
 */
export async function snapshotInputs(db: Database): Promise<InputSnapshot> {
  // Read-only: a caller may retry it whole after a transient error.
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const branches = await readBranches(tx);
    const series = await readSeries(tx);
    const archivedSeriesIds = await readArchivedSeriesIds(tx);
    return { branches, series, archivedSeriesIds };
  });
}

export interface PlanRunInput {
  db: Database;
  config: ConfigSet;
  now: number;
  mode: RunMode;
  snapshot: InputSnapshot;
  /** Restrict the run to these branches (saved-plan apply, tests). */
  branchIds?: ReadonlySet<string>;
  /**
   * How observed sessions are read: 'digest' (default) proves unchanged series
   * equal with one digest per series and reads only the others in full;
   * 'full' reads every observed session. Both give the same plan.
   */
  observedRead?: 'digest' | 'full';
  /** Reads are retried on transient database errors (they change nothing, so a retry is safe). */
  retry?: RetryPolicy;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** A branch whose observed sessions are read; its plan is computed now or on demand. */
export interface PendingBranch {
  branchId: string;
  /**
   * The branch has no observed session at all, so its plan can remove nothing
   * (the mass-removal guard has nothing to count) and was left to compute
   * when it is needed.
   */
  deferred: boolean;
  /** The branch's plan (computed once and kept until release(); yields to the event loop while it works). */
  plan(): Promise<BranchPlan>;
  /** Lets go of the computed plan; plan() then computes it again from the same observation. */
  release(): void;
}

export interface ObservedRun {
  /** The run's plan, with `branches` still empty: the caller adds the pending ones in order. */
  plan: Plan;
  branches: PendingBranch[];
}

export async function planRun(input: PlanRunInput): Promise<Plan> {
  const { plan, branches } = await observeRun(input);
  for (const b of branches) plan.branches.push(await b.plan());
  return plan;
}

/**
 * Reads what every branch has and plans the branches that have anything.
 * With `deferUnobserved`, a branch with no observed session is only planned
 * when its plan() is called — so an apply can compute it while the previous
 * branch is being written.
 */
export async function observeRun(
  input: PlanRunInput & {
    deferUnobserved?: boolean;
    /** Called in branch order as each branch is observed (and planned unless deferred), before the next is. */
    onObserved?: (branch: PendingBranch) => Promise<void>;
  },
): Promise<ObservedRun> {
  const { snapshot, config, now } = input;
  const plan: Plan = {
    now: new Date(now).toISOString(),
    mode: input.mode,
    configDigest: config.digest,
    branches: [],
    problems: [...config.problems],
    warnings: [],
    seriesVersions: Object.fromEntries(snapshot.series.map((s) => [s.id, s.version])),
  };
  plan.problems.push(
    ...config.unknownTargets(
      snapshot.branches.map((b) => b.id),
      snapshot.series.map((s) => s.id),
    ),
  );
  if (config.blocksAll) return { plan, branches: [] };

  const seriesByBranch = new Map<string, ClassSeries[]>();
  for (const s of snapshot.series) {
    const list = seriesByBranch.get(s.branchId);
    if (list) list.push(s);
    else seriesByBranch.set(s.branchId, [s]);
  }
  const context: RunContext = { ...input, allSeriesIds: new Set(snapshot.series.map((s) => s.id)) };
  const branches = [...snapshot.branches]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .filter((b) => !input.branchIds || input.branchIds.has(b.id));

  const pending: PendingBranch[] = [];
  const observations = observeInBatches(context, branches);
  for (const branch of branches) {
    const observation = await observations.next(branch);
    const series = seriesByBranch.get(branch.id) ?? [];
    const memo = releasable(() => planObservedBranch(context, branch, series, observation));
    const deferred = input.deferUnobserved === true && observation.empty;
    if (!deferred) await memo.get();
    const branchPending: PendingBranch = { branchId: branch.id, deferred, plan: memo.get, release: memo.release };
    pending.push(branchPending);
    if (input.onObserved) await input.onObserved(branchPending);
  }
  return { plan, branches: pending };
}

/** Branches observed by one statement. */
const OBSERVE_BATCH = 5;
/** Batches read ahead of the one whose branches are being computed. */
const READ_AHEAD = 2;

interface RunContext extends PlanRunInput {
  allSeriesIds: ReadonlySet<string>;
}

/** What one branch has in class_sessions, as far as the plan needs it. */
interface ObservedBranch {
  today: LocalDate | null;
  /** 'full': every observed session. 'digest': the started ones keyed today or later. */
  observed: ObservedSession[];
  /** 'digest' only: per series, its sessions that start after now. */
  digests: SeriesDigest[] | null;
  /** Nothing observed at all. */
  empty: boolean;
}

/**
 * Branches are observed OBSERVE_BATCH at a time, one statement per batch (a
 * statement costs this process more than the rows it returns), and the
 * batches after the one at hand are read ahead, on connections of their own,
 * while this process generates.
 */
function observeInBatches(ctx: RunContext, branches: Branch[]): { next(branch: Branch): Promise<ObservedBranch> } {
  const batches: Branch[][] = [];
  for (let i = 0; i < branches.length; i += OBSERVE_BATCH) batches.push(branches.slice(i, i + OBSERVE_BATCH));
  const batchOf = new Map(batches.flatMap((batch, i) => batch.map((b) => [b.id, i] as const)));
  const reads: Array<Promise<Map<string, ObservedBranch>>> = [];
  const readAhead = (upTo: number) => {
    for (let i = reads.length; i < Math.min(upTo, batches.length); i++) reads.push(settledLater(observeBatch(ctx, batches[i]!)));
  };
  return {
    async next(branch) {
      const i = batchOf.get(branch.id)!;
      readAhead(i + 1 + READ_AHEAD);
      return (await reads[i]!).get(branch.id)!;
    },
  };
}

/** A read of the database, retried per the run's policy. */
function retried<T>(ctx: RunContext, read: () => Promise<T>): Promise<T> {
  return withRetry(read, ctx.retry ?? DEFAULT_RETRY, ctx.onRetry);
}

async function observeBatch(ctx: RunContext, batch: Branch[]): Promise<Map<string, ObservedBranch>> {
  const result = new Map<string, ObservedBranch>();
  const read: Array<{ id: string; today: LocalDate }> = [];
  for (const branch of batch) {
    // An invalid zone is reported by planBranch; no observed read is needed then.
    if (!isValidTimeZone(branch.timezone)) result.set(branch.id, { today: null, observed: [], digests: null, empty: true });
    else read.push({ id: branch.id, today: localDateAt(ctx.now, branch.timezone) });
  }
  if (ctx.observedRead === 'full') {
    for (const { id, today } of read) {
      const observed = await retried(ctx, () => readObservedSessions(ctx.db, id, ctx.now, today));
      result.set(id, { today, observed, digests: null, empty: observed.length === 0 });
    }
    return result;
  }
  if (read.length === 0) return result;
  const stored = await retried(ctx, () => readBranchObservations(ctx.db, read, ctx.now));
  for (const { id, today } of read) {
    const { digests, started } = stored.get(id)!;
    result.set(id, { today, observed: started, digests, empty: digests.length === 0 && started.length === 0 });
  }
  return result;
}

async function planObservedBranch(ctx: RunContext, branch: Branch, series: ClassSeries[], observation: ObservedBranch): Promise<BranchPlan> {
  const base = { branch, series, allSeriesIds: ctx.allSeriesIds, archivedSeriesIds: ctx.snapshot.archivedSeriesIds, config: ctx.config, now: ctx.now };
  if (observation.today === null) return planBranch({ ...base, observed: [] });
  const generation = await generateYielding(branch, series, ctx.config, ctx.now);
  if (observation.digests === null) return planBranch({ ...base, observed: observation.observed, generation });

  // A series whose digest equals that of its desired sessions up to the same
  // last key is settled: nothing to read. The others are read in full.
  const outcomes = new Map<string, SeriesOutcome>(generation.outcomes.map((o) => [o.series.id, o]));
  const settledUpTo = new Map<string, LocalDate>();
  const unsettled: string[] = [];
  for (const d of observation.digests) {
    const outcome = outcomes.get(d.seriesId);
    if (outcome?.kind === 'generated' && matchesDigest(outcome.generated.sessions, d)) settledUpTo.set(d.seriesId, d.lastKey);
    else unsettled.push(d.seriesId);
  }
  let observed = observation.observed;
  if (unsettled.length > 0) {
    const readInFull = new Set(unsettled);
    const today = observation.today;
    const full = await retried(ctx, () => readObservedSessions(ctx.db, branch.id, ctx.now, today, unsettled));
    observed = observation.observed.filter((o) => !readInFull.has(o.seriesId)).concat(full);
    observed.sort(bySeriesAndKey);
  }
  return planBranch({ ...base, observed, generation, settledUpTo });
}

// The order of readObservedSessions (COLLATE "C"), restored after a merge.
function bySeriesAndKey(a: ObservedSession, b: ObservedSession): number {
  if (a.seriesId !== b.seriesId) return a.seriesId < b.seriesId ? -1 : 1;
  return a.occurrenceKey < b.occurrenceKey ? -1 : a.occurrenceKey > b.occurrenceKey ? 1 : 0;
}

/**
 * How long generation runs before it lets the event loop turn: long enough
 * that the turns cost nothing, short enough that a branch being written
 * meanwhile gets its next statement sent without waiting for a whole branch.
 */
const SLICE_MS = 1;

async function generateYielding(branch: Branch, series: ClassSeries[], config: ConfigSet, now: number): Promise<BranchGeneration> {
  const outcomes: SeriesOutcome[] = [];
  let sliceStart = performance.now();
  for (const s of series) {
    outcomes.push(generateSeries(branch, s, config, now));
    if (performance.now() - sliceStart > SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  return { branchId: branch.id, outcomes };
}

/** A promise awaited later: its rejection is handled there, not reported as unhandled meanwhile. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

function releasable<T>(fn: () => Promise<T>): { get(): Promise<T>; release(): void } {
  let promise: Promise<T> | undefined;
  return {
    get: () => (promise ??= fn()),
    release: () => {
      promise = undefined;
    },
  };
}
