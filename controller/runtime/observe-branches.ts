// Observing branches: what each has in class_sessions, as far as its plan
// needs it — read OBSERVE_BATCH branches per statement, ahead of the branch
// being planned, or taken from what the last run recorded (incremental runs).
import type { Branch, ClassSeries, LocalDate, ObservedSession } from '../core/types.js';
import { localDateAt } from '../core/generation/local-date.js';
import { isValidTimeZone } from '../core/generation/series-validation.js';
import { DEFAULT_RESYNC_PERIOD_MS, branchInputsDigest, fullProofDue } from '../core/incremental-sync.js';
import { readBranchObservations, type BranchObservation, type SeriesDigest } from '../store/series-digests.js';
import { readObservedSessions } from '../store/sessions.js';
import type { BranchSyncState } from '../store/sync-state.js';
import type { PlanRunInput } from './plan-run.js';
import { DEFAULT_RETRY, withRetry } from './retry.js';
import { isPartialBranch } from '../core/run-target.js';
import { withinTarget } from './target-scope.js';

/** Branches observed by one statement. */
const OBSERVE_BATCH = 5;
/**
 * Batches read ahead of the one whose branches are being computed, when a
 * read holds digests or a few sessions ('digest', incremental). In an
 * incremental run most branches read nothing, so a few batches ahead often
 * held no read at all and the run waited on the next full proof's digests;
 * twelve keep the database reading while this process plans (a 100,000-series
 * day roll's observing measured ~1.1 s with two, ~0.9 s with twelve). Sixty
 * branches' digests are a few megabytes.
 */
const READ_AHEAD = 12;
/** 'full' reads every session of a branch: fewer batches are held at once. */
const READ_AHEAD_FULL = 2;

export interface ObserveContext extends PlanRunInput {
  allSeriesIds: Pick<ReadonlySet<string>, 'has'>;
  seriesByBranch: ReadonlyMap<string, ClassSeries[]>;
  /** 'incremental': what the last runs recorded, per branch. */
  syncStates: ReadonlyMap<string, BranchSyncState>;
}

/** What one branch has in class_sessions, as far as the plan needs it. */
export interface ObservedBranch {
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
export function observeInBatches(ctx: ObserveContext, branches: Branch[]): { next(branch: Branch): Promise<ObservedBranch> } {
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
      readAhead(i + 1 + (ctx.observedRead === 'full' ? READ_AHEAD_FULL : READ_AHEAD));
      return (await reads[i]!).get(branch.id)!;
    },
  };
}

/** A read of the database, retried per the run's policy. */
export function retried<T>(ctx: ObserveContext, read: () => Promise<T>): Promise<T> {
  return withRetry(read, ctx.retry ?? DEFAULT_RETRY, ctx.onRetry);
}

async function observeBatch(ctx: ObserveContext, batch: Branch[]): Promise<Map<string, ObservedBranch>> {
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
    return withinTarget(ctx.target, result);
  }
  if (read.length === 0) return result;
  const stored = await readObservations(ctx, read);
  for (const { id, today, inputsDigest } of read) {
    const { digests, started } = stored.get(id)!;
    result.set(id, { today, observed: started, digests, empty: digests.length === 0 && started.length === 0, inputsDigest, incremental: null });
  }
  return withinTarget(ctx.target, result);
}

/**
 * The digests and started sessions of `branches`: those read early
 * (early-observations.ts) as they were read, the others, and any whose early
 * read failed, with one statement.
 */
async function readObservations(ctx: ObserveContext, branches: Array<{ id: string; today: LocalDate }>): Promise<Map<string, BranchObservation>> {
  const early = branches.map((b) => ctx.early?.take(b.id, b.today) ?? null);
  const rest = branches.filter((_, i) => early[i] === null);
  const [fromEarly, stored] = await Promise.all([
    Promise.all(early),
    rest.length === 0 ? new Map<string, BranchObservation>() : retried(ctx, () => readBranchObservations(ctx.db, rest, ctx.now)),
  ]);
  const failed = branches.filter((_, i) => early[i] !== null && fromEarly[i] === null);
  const again = failed.length === 0 ? new Map<string, BranchObservation>() : await retried(ctx, () => readBranchObservations(ctx.db, failed, ctx.now));
  branches.forEach((b, i) => {
    const observation = fromEarly[i] ?? again.get(b.id);
    if (observation) stored.set(b.id, observation);
  });
  return stored;
}

/**
 * A recorded state stands for a full proof while the branch's inputs are the
 * ones it was recorded with and no full proof is due (fullProofDue: time has
 * not gone back before it, its period has not run out, none was asked for).
 */
function canTrust(ctx: ObserveContext, branch: Branch, state: BranchSyncState, inputsDigest: string): boolean {
  return (
    !isPartialBranch(ctx.target, branch.id) &&
    state.inputsDigest === inputsDigest &&
    !fullProofDue(branch.id, state, ctx.now, ctx.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS, ctx.fullResync === true)
  );
}

/** A promise awaited later: its rejection is handled there, not reported as unhandled meanwhile. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
