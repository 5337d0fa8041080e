// The first reads of a run's observing, started while it still reads its
// inputs. Reading 100,000 series keeps this process busy for about half a
// second and the database nearly idle; then the branches due for a full
// proof each wait for their digests (~5 ms of the server's time per branch).
// Which branches are due does not depend on the series: only on the
// recorded state of each branch and on `now`. So those reads go out first,
// on connections of their own, and are ready when the run reaches them.
import type { LocalDate } from '../core/types.js';
import { localDateAt } from '../core/generation/local-date.js';
import { isValidTimeZone } from '../core/generation/series-validation.js';
import { DEFAULT_RESYNC_PERIOD_MS, fullProofDue } from '../core/incremental-sync.js';
import type { Database } from '../store/database.js';
import { readBranches } from '../store/inputs.js';
import { readBranchObservations, type BranchObservation } from '../store/series-digests.js';
import { readBranchSyncStates, type BranchSyncState } from '../store/sync-state.js';

/** Branches read in one statement, as the run's own observing reads them. */
const EARLY_BATCH = 5;
/**
 * At most this many branches are read early: their digests wait in memory
 * until the run reaches them (a few megabytes), and the others are read as
 * the run goes, a few batches ahead of it.
 */
const EARLY_BRANCHES = 300;

/**
 * Reads in flight at once: two of the pool's connections, so that the
 * snapshot's and the run's own statements (its journal, its checks) do not
 * queue behind them.
 */
const EARLY_LANES = 2;

export interface EarlyObservations {
  /** Every branch's recorded state; rejects if it could not be read (the run then reads it itself). */
  syncStates: Promise<Map<string, BranchSyncState>>;
  /**
   * The observation read early for a branch at `today`, or null when none
   * was started for it (or for another day: its zone changed meanwhile).
   * Resolves to null when the read failed; the run then reads it again.
   * Call only once syncStates has resolved.
   */
  take(branchId: string, today: LocalDate): Promise<BranchObservation | null> | null;
}

export interface EarlyObservationInput {
  db: Database;
  now: number;
  resyncPeriodMs?: number;
  fullResync?: boolean;
}

/**
 * Reads the branches and their recorded states, then starts the digest reads
 * of the branches a run at `now` proves in full whatever their inputs (no
 * recorded state, a recorded run after `now`, a proof due, a full resync):
 * the first EARLY_BRANCHES of them in branch order, the order the run
 * observes in. Nothing here is retried or awaited by the caller: a read that
 * fails is read again by the run, with its retries.
 */
export function startEarlyObservations(input: EarlyObservationInput): EarlyObservations {
  const reads = new Map<string, { today: LocalDate; observation: Promise<BranchObservation | null> }>();
  const syncStates = (async () => {
    const branches = await readBranches(input.db);
    const states = await readBranchSyncStates(input.db, branches.map((b) => b.id));
    const period = input.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS;
    const due: Array<{ id: string; today: LocalDate }> = [];
    for (const b of branches) {
      if (due.length === EARLY_BRANCHES) break;
      if (!isValidTimeZone(b.timezone)) continue;
      if (fullProofDue(b.id, states.get(b.id), input.now, period, input.fullResync === true)) due.push({ id: b.id, today: localDateAt(input.now, b.timezone) });
    }
    const batches: Array<Array<{ id: string; today: LocalDate }>> = [];
    for (let i = 0; i < due.length; i += EARLY_BATCH) batches.push(due.slice(i, i + EARLY_BATCH));
    const settle: Array<(read: Map<string, BranchObservation> | null) => void> = [];
    batches.forEach((batch) => {
      const read = new Promise<Map<string, BranchObservation> | null>((resolve) => settle.push(resolve));
      for (const b of batch) reads.set(b.id, { today: b.today, observation: read.then((m) => m?.get(b.id) ?? null) });
    });
    for (let lane = 0; lane < EARLY_LANES; lane++) {
      void (async () => {
        for (let i = lane; i < batches.length; i += EARLY_LANES) settle[i]!(await readBranchObservations(input.db, batches[i]!, input.now).catch(() => null));
      })();
    }
    return states;
  })();
  // Awaited by the run, which handles its failure; never an unhandled rejection meanwhile.
  syncStates.catch(() => {});
  return {
    syncStates,
    take(branchId, today) {
      const read = reads.get(branchId);
      if (read === undefined || read.today !== today) return null;
      reads.delete(branchId);
      return read.observation;
    },
  };
}
