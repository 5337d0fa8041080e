// The writing half of a run: each branch with changes in its own transaction
// under its own lock, retried on transient errors; a branch that still fails
// is reported and the others go on.
import type { BranchPlan } from '../core/plan-types.js';
import type { Database } from '../store/database.js';
import { describeSkipReason, type SkipReason } from '../store/sessions.js';
import { applyBranchChanges, branchWriteScript, recordBranchProof, type BranchApplyResult, type BranchScript } from './apply-branch.js';
import { readBranchWrite, type BranchWriteCounts } from '../store/branch-writes.js';
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

/**
 * Branches written or planned that may wait to be handed on behind one still
 * being written. The queue must hold more than the branches in flight
 * (WRITERS messages of WRITE_GROUP) plus the group being filled, or planning
 * stops at the oldest write and the writers go short: with 8, a
 * 100,000-series day roll's writing stretch took 2.6–3.1 s (mean 2.85), with
 * 24 2.3–2.8 s (mean 2.5), in five alternating runs each on copies of one
 * database.
 */
const HANDOFF_QUEUE = 24;
/**
 * …and at most this many changes, the first waiting branch excepted: planned
 * branches are memory, and a first apply's branches have thousands of
 * creates each.
 */
const HANDOFF_CHANGES = 20_000;

/**
 * Branches that only get new sessions (a day roll's) whose transaction
 * scripts go in one message: a thousand branches are then 250 round trips,
 * not a thousand (each costs both processes a wake-up; measured on a replay
 * of a 100,000-series day roll's writes: 1.25 s one branch a message, 1.0 s
 * four).
 */
const WRITE_GROUP = 4;

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
  /** Adds a written branch to the result and says what happened to it. */
  const report = (bp: BranchPlan, applied: BranchApplyResult): BranchApplyResult => {
    const branchLog = o.log.child({ branchId: bp.branchId });
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
  };
  const reportFailure = (bp: BranchPlan, err: unknown): undefined => {
    const message = describeDbError(err);
    out.failedBranches.push({ branchId: bp.branchId, error: message });
    o.log.child({ branchId: bp.branchId }).error(errorLogFields(err), `Branch not reconciled: ${message}. Nothing of this branch was written; the next run retries it.`);
    return undefined;
  };
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
      return report(bp, applied);
    } catch (err) {
      return reportFailure(bp, err);
    }
  };
  /**
   * Branches whose writes are each one transaction script, sent in one
   * message (each still its own transaction under its own lock). When the
   * message fails, the branches before the failing one are committed: each
   * branch is looked up in the run's branch-write records, and one that is
   * not there is written on its own, as any other branch (a lock held by
   * another run, a collision, a lost connection each get their usual answer).
   */
  const applyGroup = async (members: GroupMember[]): Promise<Array<BranchApplyResult | undefined>> => {
    try {
      await db.transactionScripts(members.map((m) => m.script.statements));
      return members.map((m) => report(m.bp, m.script.result));
    } catch (err) {
      o.log.warn(
        { branchIds: members.map((m) => m.bp.branchId), code: (err as { code?: string }).code },
        `Writing ${members.length} branches in one message stopped at an error (${describeDbError(err)}); the branches it did not commit are written one by one.`,
      );
      const results: Array<BranchApplyResult | undefined> = [];
      for (const m of members) {
        let committed: BranchWriteCounts | null;
        try {
          committed = await withRetry(() => readBranchWrite(db, runId, m.bp.branchId), retry);
        } catch (readErr) {
          results.push(reportFailure(m.bp, readErr));
          continue;
        }
        results.push(committed !== null ? report(m.bp, m.script.result) : await applyBranch(m.bp, m.sync));
      }
      return results;
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
  // a statement to run while this process waits on another branch or
  // computes the next deferred plan. Branches that only get new sessions go
  // WRITE_GROUP to a message. With a fault hook at a commit, one branch at a
  // time: "paused at branch k" then means the branches before k are
  // committed and none after. Finished branches are handed on in branch
  // order; a few may wait behind a slower one (HANDOFF_QUEUE).
  const writers = faults.beforeBranchCommit ? 1 : WRITERS;
  const grouping = !faults.beforeBranchCommit && !faults.afterBranchCommit;
  const queue: QueuedBranch[] = [];
  let queuedChanges = 0;
  let group: GroupMember[] = [];
  let writing = 0;
  const inFlight = new Set<Promise<unknown>>();
  const startWrite = async (entries: QueuedBranch[], work: () => Promise<Array<BranchApplyResult | undefined>>): Promise<void> => {
    while (writing >= writers) await Promise.race(inFlight);
    writing++;
    const done = work().finally(() => {
      writing--;
      for (const e of entries) e.settled = true;
      inFlight.delete(done);
    });
    inFlight.add(done);
    entries.forEach((e, i) => e.start(done.then((results) => results[i])));
  };
  const flushGroup = async (): Promise<void> => {
    if (group.length === 0) return;
    const members = group;
    group = [];
    const only = members.length === 1 ? members[0]! : null;
    await startWrite(
      members.map((m) => m.entry),
      only ? async () => [await applyBranch(only.bp, only.sync)] : () => applyGroup(members),
    );
  };
  const handOffHead = async (): Promise<void> => {
    const head = queue[0]!;
    if (!head.started) await flushGroup();
    queue.shift();
    queuedChanges -= head.plan.changes.length;
    const written = await head.done;
    if (o.onWritten) await o.onWritten(head.plan, written);
    head.pending.release();
  };
  const handOffSettled = async (): Promise<void> => {
    while (queue.length > 0 && queue[0]!.settled) await handOffHead();
  };
  try {
    for (const b of o.branches) {
      const bp = await b.plan();
      const sync = b.sync();
      const refusal = bp.changes.length > 0 && o.check ? o.check(b, bp) : null;
      if (refusal !== null) {
        out.failedBranches.push({ branchId: bp.branchId, error: refusal });
        o.log.child({ branchId: bp.branchId }).error(`Branch not reconciled: ${refusal}. Nothing of this branch was written; the next run plans it again.`);
      }
      const entry = queuedBranch(b, bp);
      queue.push(entry);
      const script = refusal === null && grouping && bp.changes.length > 0 ? branchWriteScript(db, bp.branchId, bp.changes, { runId, now, sync }) : null;
      if (script) {
        group.push({ entry, bp, sync, script });
        if (group.length === WRITE_GROUP) await flushGroup();
      } else if (refusal === null && bp.changes.length > 0) {
        await startWrite([entry], async () => [await applyBranch(bp, sync)]);
      } else if (refusal === null && sync !== null && syncNeedsRecord(sync)) {
        await startWrite([entry], async () => {
          await recordProof(sync, bp.branchId);
          return [undefined];
        });
      } else {
        entry.start(Promise.resolve(undefined));
        entry.settled = true;
      }
      queuedChanges += bp.changes.length;
      await handOffSettled();
      // Finished plans waiting behind a slow branch are memory: wait for it.
      while (queue.length > HANDOFF_QUEUE || (queue.length > 1 && queuedChanges > HANDOFF_CHANGES)) await handOffHead();
    }
    await flushGroup();
    while (queue.length > 0) await handOffHead();
  } finally {
    // A branch still waiting for its group was not written.
    for (const m of group) m.entry.start(Promise.resolve(undefined));
    await Promise.allSettled(queue.map((e) => e.done));
  }
  const order = new Map(o.branches.map((b, i) => [b.branchId, i]));
  const byBranchOrder = (a: { branchId: string }, b: { branchId: string }) => order.get(a.branchId)! - order.get(b.branchId)!;
  out.branches.sort(byBranchOrder);
  out.failedBranches.sort(byBranchOrder);
  return out;
}

/** A branch in the hand-off queue; its write starts when it (or its group) is sent. */
interface QueuedBranch {
  pending: PendingBranch;
  plan: BranchPlan;
  started: boolean;
  settled: boolean;
  done: Promise<BranchApplyResult | undefined>;
  start(write: Promise<BranchApplyResult | undefined>): void;
}

interface GroupMember {
  entry: QueuedBranch;
  bp: BranchPlan;
  sync: BranchSyncDraft | null;
  script: BranchScript;
}

function queuedBranch(pending: PendingBranch, plan: BranchPlan): QueuedBranch {
  let resolve!: (write: Promise<BranchApplyResult | undefined>) => void;
  const done = new Promise<BranchApplyResult | undefined>((r) => (resolve = r));
  const entry: QueuedBranch = {
    pending,
    plan,
    started: false,
    settled: false,
    done,
    start(write) {
      if (entry.started) return;
      entry.started = true;
      resolve(write);
    },
  };
  return entry;
}
