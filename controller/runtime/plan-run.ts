// The planning half of a run: snapshot the inputs, then observe and plan
// branch by branch.
import type { ConfigSet } from '../core/config/config-set.js';
import type { Plan, RunMode } from '../core/plan.js';
import type { BranchPlan } from '../core/plan-types.js';
import type { Branch, ClassSeries } from '../core/types.js';
import type { Database } from '../store/database.js';
import { readArchivedSeriesIds, readBranches, readSeries } from '../store/inputs.js';
import type { SeriesSnapshotCache } from '../store/series-cache.js';
import { readBranchSyncStates } from '../store/sync-state.js';
import { syncDraft, type BranchSyncDraft } from './branch-sync-draft.js';
import { observeInBatches, type ObserveContext } from './observe-branches.js';
import type { EarlyObservations } from './early-observations.js';
import { planObservedBranch } from './plan-observed-branch.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import { scopeInputs, type ResolvedTarget } from '../core/run-target.js';
import { targetSeriesVersions } from './target-scope.js';

export { syncNeedsRecord, type BranchSyncDraft } from './branch-sync-draft.js';

export interface InputSnapshot {
  branches: Branch[];
  series: ClassSeries[];
  archivedSeriesIds: Set<string>;
}

/**
 * A run reads its inputs once, in one repeatable-read transaction, and
 * finishes with them even if a series is edited meanwhile. With a cache, the
 * series of an earlier run are reused when the table has not changed since.
 */
export async function snapshotInputs(db: Database, seriesCache?: SeriesSnapshotCache): Promise<InputSnapshot> {
  // Read-only: a caller may retry it whole after a transient error.
  //
  // The snapshot leaves the transaction through `box`, not as its result:
  // postgres.js keeps the promise of a connection's last transaction (and so
  // its result) until that connection runs another or closes, which kept a
  // finished run's snapshot of every series alive through the next run
  // (~50 MB at 100,000 series, marked by every collection of that run).
  const box: { snapshot?: InputSnapshot } = {};
  await db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const branches = await readBranches(tx);
    const series = seriesCache ? await seriesCache.read(tx) : await readSeries(tx);
    const archivedSeriesIds = await readArchivedSeriesIds(tx);
    box.snapshot = { branches, series, archivedSeriesIds };
  });
  const snapshot = box.snapshot!;
  box.snapshot = undefined;
  return snapshot;
}

export interface PlanRunInput {
  db: Database;
  config: ConfigSet;
  now: number;
  mode: RunMode;
  snapshot: InputSnapshot;
  /** Restrict the run to these branches (saved-plan apply, tests). */
  branchIds?: ReadonlySet<string>;
  /** A targeted run: only its branches, and in a partial branch only its series (runtime/target-scope.ts). */
  target?: ResolvedTarget | null;
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
  /** 'incremental', a whole run: the recorded states and first digests, read while the inputs were (early-observations.ts). */
  early?: EarlyObservations;
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
    seriesVersions: {},
    ...(input.target ? { target: input.target.target } : {}),
  };
  // A string per series, read only by what keeps the plan (a plan file, an
  // approval): computed when first asked for, not by every run.
  let seriesVersions: Record<string, string> | undefined;
  Object.defineProperty(plan, 'seriesVersions', {
    enumerable: true,
    get: () => (seriesVersions ??= targetSeriesVersions(input.target, snapshot)),
    set: (value: Record<string, string>) => (seriesVersions = value),
  });
  const allSeriesIds = lazySet(() => snapshot.series.map((s) => s.id));
  plan.problems.push(...config.unknownTargets(new Set(snapshot.branches.map((b) => b.id)), allSeriesIds));
  if (config.blocksAll) return { plan, branches: [] };

  const seriesByBranch = new Map<string, ClassSeries[]>();
  for (const s of scopeInputs(input.target, snapshot).series) {
    const list = seriesByBranch.get(s.branchId);
    if (list) list.push(s);
    else seriesByBranch.set(s.branchId, [s]);
  }
  const branches = [...snapshot.branches]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .filter((b) => (!input.branchIds || input.branchIds.has(b.id)) && (!input.target || input.target.branches.has(b.id)));
  const readSyncStates = () => withRetry(() => readBranchSyncStates(input.db, branches.map((b) => b.id)), input.retry ?? DEFAULT_RETRY, input.onRetry);
  const early = input.observedRead === 'incremental' && input.target == null ? input.early : undefined;
  // Read early, they hold every branch (a superset of `branches`); if that read failed, they are read now, with retries.
  const syncStates = input.observedRead !== 'incremental' ? new Map() : early ? await early.syncStates.catch(readSyncStates) : await readSyncStates();
  const context: ObserveContext = { ...input, early, allSeriesIds, seriesByBranch, syncStates };

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

/**
 * A set of ids built on the first question: most runs never ask whether a
 * series exists outside its branch (only a series document, or a session of
 * a series that moved, does), and hashing 100,000 ids into a set took
 * ~45 ms before a run could write anything.
 */
function lazySet(ids: () => readonly string[]): Pick<ReadonlySet<string>, 'has'> {
  let set: Set<string> | undefined;
  return { has: (id) => (set ??= new Set(ids())).has(id) };
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
