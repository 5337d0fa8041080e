// The writing half of a run: each branch with changes in its own transaction
// under its own lock, retried on transient errors; a branch that still fails
// is reported and the others go on.
import type { BranchPlan } from '../core/plan-types.js';
import type { Database } from '../store/database.js';
import { describeSkipReason, type SkipReason } from '../store/sessions.js';
import { applyBranchChanges, recordBranchProof, type BranchApplyResult } from './apply-branch.js';
import type { Logger } from './logger.js';
import { syncNeedsRecord, type BranchSyncDraft, type PendingBranch } from './plan-run.js';
import { describeDbError, errorLogFields, withRetry, type RetryPolicy } from './retry.js';
import type { RunFaults } from './run-faults.js';

/**
 * Branch transactions in flight at once. Two keep the database busy while this
 * process does its part (round trips, encoding, the next plan) and let its two
 * cores each insert a branch; a third has its statements ready while one of
 * them waits for its commit to reach the disk (a day roll commits a thousand
 * small branches: measured ~0.1 s of 3 s less than with two, on two cores).
 */
const WRITERS = 3;

/** Branches written or planned that may wait to be handed on behind one still being written. */
const HANDOFF_QUEUE = 8;

export interface BranchWrites {
  branches: BranchApplyResult[];
  failedBranches: Array<{ branchId: string; error: string }>;
}

export async function writeBranches(o: {
  db: Database;
  branches: PendingBranch[];
  runId: string;
  now: number;
  retry: RetryPolicy;
  faults: RunFaults;
  log: Logger;
  /**
   * Checked before a branch is written: a sentence saying why it must not be
   * (its plan differs from the one the guards counted), or null. A refused
   * branch is reported failed and nothing of it is written.
   */
  check?: (branch: PendingBranch, plan: BranchPlan) => string | null;
  /**
   * Called in branch order once a branch is written, failed, or had nothing to
   * write; the next branch is handed over only when it returns. The plan is
   * released afterwards.
   */
  onWritten?: (plan: BranchPlan, written?: BranchApplyResult) => Promise<void>;
}): Promise<BranchWrites> {
  const { db, runId, now, retry, faults } = o;
  const out: BranchWrites = { branches: [], failedBranches: [] };
  const applyBranch = async (bp: BranchPlan, sync: BranchSyncDraft | null): Promise<BranchApplyResult | undefined> => {
    const branchLog = o.log.child({ branchId: bp.branchId });
    try {
      const beforeCommit = faults.beforeBranchCommit;
      const applied = await withRetry(
        async (attempt) => {
          const r = await applyBranchChanges(db, bp.branchId, bp.changes, {
            runId,
            now,
            retrying: attempt > 1,
            sync,
            beforeCommit: beforeCommit && (() => beforeCommit(bp.branchId)),
          });
          if (faults.afterBranchCommit && r.status === 'applied' && !r.recovered) await faults.afterBranchCommit(bp.branchId, attempt);
          return r;
        },
        retry,
        (err, attempt, delayMs) =>
          branchLog.warn({ attempt, delayMs, code: (err as { code?: string }).code }, `Branch transaction failed with a transient database error (${describeDbError(err)}); retrying in ${delayMs} ms.`),
      );
      out.branches.push(applied);
      if (applied.status === 'locked') {
        branchLog.warn('Branch skipped: another run or replica holds its lock and is reconciling it now; nothing of it was written by this run, and the next run picks it up if anything is left.');
        return applied;
      }
      const counts = { created: applied.created, updated: applied.updated, deleted: applied.deleted, cancelled: applied.cancelled, seriesArchived: applied.seriesArchived, notWritten: applied.notWritten };
      if (applied.recovered) branchLog.info(counts, 'Branch reconciled: an earlier attempt had committed it before its connection was lost; these are the counts it wrote.');
      else branchLog.info(counts, 'Branch reconciled.');
      for (const s of applied.skipped) {
        const text = s.reason === 'series-changed' ? 'the series changed since the plan was made; it is archived by a later run if it is still ended' : describeSkipReason(s.reason as SkipReason);
        branchLog.warn({ seriesId: s.seriesId, occurrenceKey: s.occurrenceKey, reason: s.reason }, `Change not written: ${text}.`);
      }
      return applied;
    } catch (err) {
      const message = describeDbError(err);
      out.failedBranches.push({ branchId: bp.branchId, error: message });
      branchLog.error(errorLogFields(err), `Branch not reconciled: ${message}. Nothing of this branch was written; the next run retries it.`);
      return undefined;
    }
  };
  // A branch proven with nothing to write records the proof (incremental
  // runs); failing to is harmless: the next run proves it again.
  const recordProof = async (sync: BranchSyncDraft, branchId: string): Promise<void> => {
    try {
      await recordBranchProof(db, sync, now);
    } catch (err) {
      o.log.child({ branchId }).warn(errorLogFields(err), `Recording that the branch is proven failed (${describeDbError(err)}); nothing was changed, and the next run proves it in full again.`);
    }
  };
  // Branches are written WRITERS at a time, each in its own transaction
  // under its own lock (as two replicas would), so the database always has
  // a statement to run while this process waits on the other branch or
  // computes the next deferred plan. With a fault hook that pauses before a
  // commit, one at a time: "paused at branch k" then means the branches
  // before k are committed and none after. Finished branches are handed on
  // in branch order; a few may wait behind a slower one (HANDOFF_QUEUE).
  const writers = faults.beforeBranchCommit ? 1 : WRITERS;
  const queue: Array<{ pending: PendingBranch; plan: BranchPlan; done: Promise<BranchApplyResult | undefined>; settled: boolean }> = [];
  let writing = 0;
  const handOffHead = async (): Promise<void> => {
    const head = queue.shift()!;
    const written = await head.done;
    if (o.onWritten) await o.onWritten(head.plan, written);
    head.pending.release();
  };
  const handOffSettled = async (): Promise<void> => {
    while (queue.length > 0 && queue[0]!.settled) await handOffHead();
  };
  const inFlight = new Set<Promise<unknown>>();
  try {
    for (const b of o.branches) {
      const bp = await b.plan();
      const sync = b.sync();
      const refusal = bp.changes.length > 0 && o.check ? o.check(b, bp) : null;
      if (refusal !== null) {
        out.failedBranches.push({ branchId: bp.branchId, error: refusal });
        o.log.child({ branchId: bp.branchId }).error(`Branch not reconciled: ${refusal}. Nothing of this branch was written; the next run plans it again.`);
      }
      while (writing >= writers) await Promise.race(inFlight);
      const entry = { pending: b, plan: bp, done: Promise.resolve<BranchApplyResult | undefined>(undefined), settled: true };
      let work: Promise<BranchApplyResult | undefined> | null = null;
      if (refusal === null && bp.changes.length > 0) work = applyBranch(bp, sync);
      else if (refusal === null && sync !== null && syncNeedsRecord(sync)) work = recordProof(sync, bp.branchId).then(() => undefined);
      if (work) {
        writing++;
        entry.settled = false;
        const done = work.finally(() => {
          writing--;
          entry.settled = true;
          inFlight.delete(done);
        });
        entry.done = done;
        inFlight.add(done);
      }
      queue.push(entry);
      await handOffSettled();
      // Finished plans waiting behind a slow branch are memory: wait for it.
      while (queue.length > HANDOFF_QUEUE) await handOffHead();
    }
    while (queue.length > 0) await handOffHead();
  } finally {
    await Promise.allSettled(queue.map((e) => e.done));
  }
  const order = new Map(o.branches.map((b, i) => [b.branchId, i]));
  const byBranchOrder = (a: { branchId: string }, b: { branchId: string }) => order.get(a.branchId)! - order.get(b.branchId)!;
  out.branches.sort(byBranchOrder);
  out.failedBranches.sort(byBranchOrder);
  return out;
}
