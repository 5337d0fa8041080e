// The planning half of a run: snapshot the inputs, then observe and plan
// branch by branch.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ConfigSet } from '../core/config/config-set.js';
import { localDateAt } from '../core/generation/local-date.js';
import { isDoubleBooking } from '../core/double-booking.js';
import { DEFAULT_RESYNC_PERIOD_MS, branchInputsDigest, resyncDue, settledThrough, windowSliceScope, type KeyRange } from '../core/incremental-sync.js';
import { isValidTimeZone } from '../core/generation/series-validation.js';
import { generateSeries, planBranch, type BranchGeneration, type SeriesOutcome } from '../core/plan-branch.js';
import type { Plan, RunMode } from '../core/plan.js';
import type { BranchPlan, PlanWarning } from '../core/plan-types.js';
import type { Branch, ClassSeries, LocalDate, ObservedSession } from '../core/types.js';
import type { Database } from '../store/database.js';
import { readArchivedSeriesIds, readBranches, readSeries } from '../store/inputs.js';
import { matchesDigest, readBranchObservations, type SeriesDigest } from '../store/series-digests.js';
import { readObservedSessions } from '../store/sessions.js';
import { readBranchSyncStates, type BranchSyncState } from '../store/sync-state.js';
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
   * 'incremental' trusts what the last run recorded for a branch whose inputs
   * are unchanged and whose last full proof is recent (resyncPeriodMs): it
   * reads only the sessions it must (docs/data-model.md, "Incremental runs"),
   * and proves the other branches as 'digest' does. It gives the same plan
   * unless a session was changed behind the controller's back since.
   */
  observedRead?: 'digest' | 'full' | 'incremental';
  /** 'incremental': how long a branch may go without a full proof (default 24 h). */
  resyncPeriodMs?: number;
  /** 'incremental': prove every branch in full this time (and record it). */
  fullResync?: boolean;
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
  /**
   * Once plan() has resolved: the state to record with the branch's writes
   * (null when none is kept, e.g. an invalid zone).
   */
  sync(): BranchSyncDraft | null;
}

/** What an apply records for a branch, in its transaction (store/sync-state.ts). */
export interface BranchSyncDraft {
  branchId: string;
  inputsDigest: string;
  /** Series to read in full at every run, from the plan; the apply adds those with a change not written. */
  unsettled: string[];
  /** This run compared every session of the branch (not an incremental run). */
  provenInFull: boolean;
  /** The state this run read, null when there was none: the record is written over it only. */
  basis: BranchSyncState | null;
  /** The plan's double bookings, recorded for the next incremental run. */
  doubleBookings: PlanWarning[];
}

/** A branch with no change must still record its state: a full proof, or a different set of unsettled series. */
export function syncNeedsRecord(draft: BranchSyncDraft): boolean {
  if (draft.provenInFull || draft.basis === null) return true;
  return draft.unsettled.join('\u0000') !== draft.basis.unsettled.join('\u0000');
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
  const branches = [...snapshot.branches]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .filter((b) => !input.branchIds || input.branchIds.has(b.id));
  const syncStates =
    input.observedRead === 'incremental' ? await withRetry(() => readBranchSyncStates(input.db, branches.map((b) => b.id)), input.retry ?? DEFAULT_RETRY, input.onRetry) : new Map();
  const context: RunContext = { ...input, allSeriesIds: new Set(snapshot.series.map((s) => s.id)), seriesByBranch, syncStates };

  const pending: PendingBranch[] = [];
  const observations = observeInBatches(context, branches);
  for (const branch of branches) {
    const observation = await observations.next(branch);
    const series = seriesByBranch.get(branch.id) ?? [];
    let sync: BranchSyncDraft | null = null;
    const memo = releasable(async () => {
      const planned = await planObservedBranch(context, branch, series, observation);
      sync = syncDraft(context, branch, series, observation, planned);
      return planned.plan;
    });
    const deferred = input.deferUnobserved === true && observation.empty;
    if (!deferred) await memo.get();
    const branchPending: PendingBranch = { branchId: branch.id, deferred, plan: memo.get, release: memo.release, sync: () => sync };
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
  seriesByBranch: ReadonlyMap<string, ClassSeries[]>;
  /** 'incremental': what the last runs recorded, per branch. */
  syncStates: ReadonlyMap<string, BranchSyncState>;
}

/** What one branch has in class_sessions, as far as the plan needs it. */
interface ObservedBranch {
  today: LocalDate | null;
  /**
   * 'full': every observed session. 'digest': the started ones keyed today or
   * later. Incremental: those of the recorded unsettled series.
   */
  observed: ObservedSession[];
  /** 'digest' only: per series, its sessions that start after now. */
  digests: SeriesDigest[] | null;
  /** Nothing observed at all. */
  empty: boolean;
  /** branchInputsDigest() of the branch (null: the zone is invalid, nothing is recorded). */
  inputsDigest: string | null;
  /** Planned from the recorded state instead of a full proof: the branch's local date at the recorded run, and that state. */
  incremental: { syncedToday: LocalDate; state: BranchSyncState } | null;
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
  const read: Array<{ id: string; today: LocalDate; inputsDigest: string }> = [];
  for (const branch of batch) {
    // An invalid zone is reported by planBranch; no observed read is needed then.
    if (!isValidTimeZone(branch.timezone)) {
      result.set(branch.id, { today: null, observed: [], digests: null, empty: true, inputsDigest: null, incremental: null });
      continue;
    }
    const today = localDateAt(ctx.now, branch.timezone);
    const inputsDigest = branchInputsDigest(branch, ctx.seriesByBranch.get(branch.id) ?? [], ctx.config);
    const state = ctx.syncStates.get(branch.id);
    if (state !== undefined && canTrust(ctx, branch, state, inputsDigest)) {
      // Only the unsettled series are read, in full, as a full run reads them.
      const observed = state.unsettled.length === 0 ? [] : await retried(ctx, () => readObservedSessions(ctx.db, branch.id, ctx.now, today, state.unsettled));
      const incremental = { syncedToday: localDateAt(state.syncedNow, branch.timezone), state };
      result.set(branch.id, { today, observed, digests: null, empty: observed.length === 0, inputsDigest, incremental });
    } else {
      read.push({ id: branch.id, today, inputsDigest });
    }
  }
  if (ctx.observedRead === 'full') {
    for (const { id, today, inputsDigest } of read) {
      const observed = await retried(ctx, () => readObservedSessions(ctx.db, id, ctx.now, today));
      result.set(id, { today, observed, digests: null, empty: observed.length === 0, inputsDigest, incremental: null });
    }
    return result;
  }
  if (read.length === 0) return result;
  const stored = await retried(ctx, () => readBranchObservations(ctx.db, read, ctx.now));
  for (const { id, today, inputsDigest } of read) {
    const { digests, started } = stored.get(id)!;
    result.set(id, { today, observed: started, digests, empty: digests.length === 0 && started.length === 0, inputsDigest, incremental: null });
  }
  return result;
}

/**
 * A recorded state stands for a full proof while the branch's inputs are the
 * ones it was recorded with, time has not gone back before it, and the
 * branch's full proof is not due (nextResyncAt).
 */
function canTrust(ctx: RunContext, branch: Branch, state: BranchSyncState, inputsDigest: string): boolean {
  return (
    ctx.fullResync !== true &&
    state.inputsDigest === inputsDigest &&
    ctx.now >= state.syncedNow &&
    !resyncDue(branch.id, state.provenAt, ctx.now, ctx.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS)
  );
}

/**
 * The state to record after this plan: the same inputs digest, and the
 * series the next run must read because a full plan of them says something
 * no recorded state can: a skipped series, sessions kept as they are,
 * sessions of a series that is not in the branch, or sessions keyed after
 * the series' window (cancelled ones stay; a later window reaches them and
 * must find them).
 */
function syncDraft(ctx: RunContext, branch: Branch, series: ClassSeries[], observation: ObservedBranch, planned: PlannedBranch): BranchSyncDraft | null {
  if (observation.inputsDigest === null) return null;
  const { plan } = planned;
  const unsettled = new Set<string>();
  for (const s of plan.skippedSeries) unsettled.add(s.seriesId);
  for (const k of plan.kept) unsettled.add(k.seriesId);
  const inBranch = new Set(series.map((s) => s.id));
  const windowEnd = new Map<string, LocalDate>();
  for (const o of planned.generation?.outcomes ?? []) {
    if (o.kind !== 'generated') continue;
    windowEnd.set(o.series.id, o.generated.window?.to ?? '');
    // A window slice would not see the DST skips and the expansion cap of
    // the days it does not generate.
    if (o.generated.skippedByDst.length > 0 || o.generated.problems.length > 0) unsettled.add(o.series.id);
  }
  for (const o of planned.observed) {
    if (inBranch.has(o.seriesId)) {
      if (!(o.occurrenceKey <= (windowEnd.get(o.seriesId) ?? ''))) unsettled.add(o.seriesId);
    } else if (!ctx.snapshot.archivedSeriesIds.has(o.seriesId)) {
      unsettled.add(o.seriesId);
    }
  }
  if (observation.digests !== null) {
    for (const d of observation.digests) {
      if (!inBranch.has(d.seriesId) && !ctx.snapshot.archivedSeriesIds.has(d.seriesId)) unsettled.add(d.seriesId);
    }
  }
  return {
    branchId: branch.id,
    inputsDigest: observation.inputsDigest,
    unsettled: [...unsettled].sort(),
    provenInFull: observation.incremental === null,
    basis: observation.incremental?.state ?? ctx.syncStates.get(branch.id) ?? null,
    doubleBookings: plan.warnings.filter(isDoubleBooking),
  };
}

/** A branch's plan, with what it was planned from. */
interface PlannedBranch {
  plan: BranchPlan;
  /** The sessions read (not those a digest or a recorded state settled). */
  observed: ObservedSession[];
  generation: BranchGeneration | null;
}

async function planObservedBranch(ctx: RunContext, branch: Branch, series: ClassSeries[], observation: ObservedBranch): Promise<PlannedBranch> {
  const base = { branch, series, allSeriesIds: ctx.allSeriesIds, archivedSeriesIds: ctx.snapshot.archivedSeriesIds, config: ctx.config, now: ctx.now };
  if (observation.today === null) return { plan: planBranch({ ...base, observed: [] }), observed: [], generation: null };
  if (observation.incremental !== null) {
    // Every series not unsettled has, with the same inputs, exactly the
    // sessions the recorded run left: its desired sessions keyed up to that
    // run's window end. Only later keys are planned. When every series is
    // settled, only those keys (and the days around them and around now that
    // a double booking depends on) are generated: the run costs what changed.
    const { syncedToday, state } = observation.incremental;
    const slice =
      state.unsettled.length === 0 && state.doubleBookings !== null
        ? windowSliceScope(branch, series, ctx.config, ctx.now, syncedToday, state.doubleBookings)
        : null;
    const generation = await generateYielding(branch, series, ctx.config, ctx.now, slice === null ? undefined : (id) => slice.keyRangesOf(id));
    const unsettled = new Set(state.unsettled);
    const settledUpTo = new Map<string, LocalDate>();
    for (const o of generation.outcomes) {
      if (o.kind === 'generated' && !unsettled.has(o.series.id)) settledUpTo.set(o.series.id, settledThrough(o.series, o.settings, syncedToday));
    }
    const plan = planBranch({ ...base, observed: observation.observed, generation, settledUpTo, doubleBookings: slice?.doubleBookings });
    return { plan, observed: observation.observed, generation };
  }
  const generation = await generateYielding(branch, series, ctx.config, ctx.now);
  if (observation.digests === null) return { plan: planBranch({ ...base, observed: observation.observed, generation }), observed: observation.observed, generation };

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
  return { plan: planBranch({ ...base, observed, generation, settledUpTo }), observed, generation };
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

async function generateYielding(
  branch: Branch,
  series: ClassSeries[],
  config: ConfigSet,
  now: number,
  keyRangesOf?: (seriesId: string) => KeyRange[],
): Promise<BranchGeneration> {
  const outcomes: SeriesOutcome[] = [];
  let sliceStart = performance.now();
  for (const s of series) {
    outcomes.push(generateSeries(branch, s, config, now, keyRangesOf?.(s.id)));
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
