// Writes one branch's changes: one transaction, one advisory lock, bulk
// statements, and a record of what was written in that same transaction.
import type { Change, SeriesArchiveChange, SessionChange } from '../core/plan-types.js';
import { archiveSeries } from '../store/archive.js';
import { branchWriteStatement, readBranchWrite, recordBranchWrite, type BranchWriteCounts } from '../store/branch-writes.js';
import type { Database, Sql } from '../store/database.js';
import { CreatesCollided, writeSessionChanges } from '../store/sessions.js';
import { branchSyncStatement, forgetBranchSyncStatement } from '../store/sync-state.js';
import { createAllStatement, isCreateCollision } from '../store/session-creates.js';
import { isBranchLockedFailure, lockBranchOrFailStatement, tryLockBranch } from './branch-lock.js';
import { changeEvents, notWrittenKey } from '../core/notifications/session-events.js';
import { insertEvents } from '../store/notifications/outbox.js';
import type { BranchSyncDraft } from './plan-run.js';

/** Why a planned change was not written: a session write's reason code, or a series edited since the plan. */
export type NotWrittenReason = string;

export interface BranchApplyResult {
  branchId: string;
  /** applied: the transaction committed; locked: another run holds the branch, nothing was written. */
  status: 'applied' | 'locked';
  created: number;
  updated: number;
  deleted: number;
  cancelled: number;
  seriesArchived: number;
  /** Changes the database refused because a row changed under the plan (booked, detached, already there, changed). */
  skipped: Array<{ seriesId: string; occurrenceKey: string | null; reason: NotWrittenReason }>;
  /** The same, counted by reason (kept when the details are not: a recovered commit). */
  notWritten: Record<NotWrittenReason, number>;
  /** The branch was found committed by an earlier attempt whose acknowledgement was lost; these are its counts. */
  recovered?: boolean;
}

export interface ApplyBranchOptions {
  /** The run writing; its branch-write record makes a lost COMMIT acknowledgement recognisable. */
  runId: string | null;
  /** The run's logical instant: what has started is decided against it. */
  now: number;
  /** A retry: first look whether an earlier attempt of this run committed the branch. */
  retrying?: boolean;
  /** The branch's state for incremental runs, recorded with its writes. */
  sync?: BranchSyncDraft | null;
  beforeCommit?: () => Promise<void>;
}

export async function applyBranchChanges(db: Database, branchId: string, changes: Change[], opts: ApplyBranchOptions): Promise<BranchApplyResult> {
  if (opts.retrying && opts.runId !== null) {
    const committed = await readBranchWrite(db, opts.runId, branchId);
    if (committed) return recoveredResult(branchId, committed);
  }
  const sessionChanges: SessionChange[] = [];
  const archives: SeriesArchiveChange[] = [];
  for (const c of changes) {
    if (c.action === 'delete-series') archives.push(c);
    else sessionChanges.push(c);
  }
  // Creates go in without conflict checks first (they cost the database more
  // than anything else here); one that collides aborts the transaction, which
  // is then written again with the checks, reporting each collision.
  const script = opts.beforeCommit ? null : createsScript(db, branchId, sessionChanges, archives, opts);
  if (script) {
    try {
      await db.transactionScripts([script.statements]);
      return script.result;
    } catch (err) {
      if (isBranchLockedFailure(err)) return { ...emptyResult(branchId), status: 'locked' };
      if (!isCreateCollision(err)) throw err;
      return writeBranch(db, branchId, sessionChanges, archives, opts, false);
    }
  }
  try {
    return await writeBranch(db, branchId, sessionChanges, archives, opts, true);
  } catch (err) {
    if (!(err instanceof CreatesCollided)) throw err;
    return writeBranch(db, branchId, sessionChanges, archives, opts, false);
  }
}

async function writeBranch(
  db: Database,
  branchId: string,
  sessionChanges: SessionChange[],
  archives: SeriesArchiveChange[],
  opts: ApplyBranchOptions,
  fastCreates: boolean,
): Promise<BranchApplyResult> {
  const result = emptyResult(branchId);
  return db.transaction(async (tx) => {
    if (!(await tryLockBranch(tx, branchId))) {
      result.status = 'locked';
      return result;
    }
    if (fastCreates && archives.length === 0 && onlyDistinctCreates(sessionChanges)) {
      // Every create is written, or the insert fails and the transaction is
      // written again with checks (CreatesCollided): the counts are known
      // before the database answers, so the records go out with the insert,
      // pipelined — a day roll's branch is then BEGIN, lock, one batch, COMMIT.
      result.created = sessionChanges.length;
      const sent = await Promise.allSettled([writeSessionChanges(tx, sessionChanges, opts.now, { fastCreates, runId: opts.runId }), ...sendRecords(tx, branchId, result, opts)]);
      // The write's own error first: the records fail only because it aborted the transaction.
      for (const s of sent) if (s.status === 'rejected') throw s.reason;
      const written = (sent[0] as PromiseFulfilledResult<{ created: number }>).value.created;
      if (written !== result.created) throw new Error(`branch ${branchId}: ${written} creates written, ${result.created} planned and recorded`);
      if (opts.beforeCommit) await opts.beforeCommit();
      return result;
    }
    if (sessionChanges.length > 0) {
      const w = await writeSessionChanges(tx, sessionChanges, opts.now, { fastCreates, runId: opts.runId });
      result.created = w.created;
      result.updated = w.updated;
      result.deleted = w.deleted;
      result.cancelled = w.cancelled;
      for (const s of w.skipped) result.skipped.push({ seriesId: s.seriesId, occurrenceKey: s.occurrenceKey, reason: s.reason });
    }
    if (archives.length > 0) {
      const a = await archiveSeries(tx, archives, opts.runId);
      result.seriesArchived = a.archived.length;
      for (const id of a.skipped) result.skipped.push({ seriesId: id, occurrenceKey: null, reason: 'series-changed' });
    }
    for (const s of result.skipped) result.notWritten[s.reason] = (result.notWritten[s.reason] ?? 0) + 1;
    // Notifications of what was written (booked sessions, archived series)
    // commit or roll back with the changes they report.
    const events = changeEvents([...sessionChanges, ...archives], {
      runId: opts.runId,
      occurredAt: new Date(opts.now).toISOString(),
      notWritten: new Set(result.skipped.map((s) => notWrittenKey(s.seriesId, s.occurrenceKey))),
    });
    await Promise.all([...sendRecords(tx, branchId, result, opts), insertEvents(tx, events)]);
    if (opts.beforeCommit) await opts.beforeCommit();
    return result;
  });
}

/** A branch's whole write as one transaction script, with what it writes when it commits. */
export interface BranchScript {
  statements: string[];
  result: BranchApplyResult;
}

/**
 * The branch's write as one transaction script (createsScript), for a caller
 * that sends several branches' scripts at once (Database.transactionScripts);
 * null when the branch needs applyBranchChanges (anything but new sessions, a
 * retry, a pause before its commit).
 */
export function branchWriteScript(db: Database, branchId: string, changes: Change[], opts: ApplyBranchOptions): BranchScript | null {
  if (opts.beforeCommit || opts.retrying) return null;
  const sessionChanges: SessionChange[] = [];
  for (const c of changes) {
    if (c.action === 'delete-series') return null;
    sessionChanges.push(c);
  }
  return createsScript(db, branchId, sessionChanges, [], opts);
}

const emptyResult = (branchId: string): BranchApplyResult => ({
  branchId, status: 'applied', created: 0, updated: 0, deleted: 0, cancelled: 0, seriesArchived: 0, skipped: [], notWritten: {},
});

/**
 * A branch that only gets a few new sessions (a day roll's: ~44) is written
 * as one transaction script — its lock, its insert and its two records sent
 * at once, one round trip instead of four (BEGIN, lock, batch, COMMIT): a day
 * roll writes a thousand such branches at 100,000 series, and on a busy
 * machine each round trip waits for both processes to be scheduled. The
 * counts are known before the database answers: every create is written, or
 * the script fails (another run holds the lock: nothing written; a create
 * collided: the branch is written again with checks). Null for any other
 * branch.
 */
function createsScript(
  db: Database,
  branchId: string,
  sessionChanges: SessionChange[],
  archives: SeriesArchiveChange[],
  opts: ApplyBranchOptions,
): BranchScript | null {
  if (archives.length > 0 || !onlyDistinctCreates(sessionChanges)) return null;
  const insert = createAllStatement(sessionChanges, opts.runId);
  if (insert === null) return null;
  const result = { ...emptyResult(branchId), created: sessionChanges.length };
  const statements = [lockBranchOrFailStatement(db.lockScope, branchId), insert];
  if (opts.sync) statements.push(syncStatement(opts.sync, opts.now, []));
  if (opts.runId !== null) statements.push(branchWriteStatement(opts.runId, branchId, countsOf(result)));
  return { statements, result };
}

/**
 * The branch's sync state and its branch-write record, sent together: they
 * are independent statements with literal values, so they are pipelined (one
 * round trip for both). A series with a change not written is read in full
 * by the next run.
 */
function sendRecords(tx: Sql, branchId: string, result: BranchApplyResult, opts: ApplyBranchOptions): Array<Promise<unknown>> {
  const records: Array<Promise<unknown>> = [];
  if (opts.sync) records.push(recordSync(tx, opts.sync, opts.now, result.skipped.map((s) => s.seriesId)));
  if (opts.runId !== null) records.push(recordBranchWrite(tx, opts.runId, branchId, countsOf(result)));
  return records;
}

/** Only creates, none for the same series and key twice (writeSessionChanges would skip the second). */
function onlyDistinctCreates(changes: SessionChange[]): boolean {
  if (changes.length === 0) return false;
  // A plan lists a branch's creates by series, then key: strictly increasing
  // pairs are distinct without building a set of every key.
  let ordered = true;
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    if (c.action !== 'create') return false;
    const p = i > 0 ? changes[i - 1]! : null;
    if (ordered && p && !(p.seriesId < c.seriesId || (p.seriesId === c.seriesId && p.occurrenceKey < c.occurrenceKey))) ordered = false;
  }
  if (ordered) return true;
  const keys = new Set<string>();
  for (const c of changes) {
    const key = `${c.seriesId}\u0000${c.occurrenceKey}`;
    if (keys.has(key)) return false;
    keys.add(key);
  }
  return true;
}

async function recordSync(tx: Sql, draft: BranchSyncDraft, now: number, alsoUnsettled: string[]): Promise<void> {
  await tx.query(syncStatement(draft, now, alsoUnsettled));
}

/** The statement that records (or forgets) the branch's sync state; a series with a change not written stays unsettled. */
function syncStatement(draft: BranchSyncDraft, now: number, alsoUnsettled: string[]): string {
  if (draft.forget) return forgetBranchSyncStatement(draft.branchId);
  const unsettled = alsoUnsettled.length === 0 ? draft.unsettled : [...new Set([...draft.unsettled, ...alsoUnsettled])].sort();
  return branchSyncStatement(
    {
      branchId: draft.branchId,
      inputsDigest: draft.inputsDigest,
      unsettled,
      syncedNow: now,
      provenAt: draft.provenInFull || draft.basis === null ? now : draft.basis.provenAt,
      doubleBookings: draft.doubleBookings,
    },
    draft.basis?.revision ?? null,
  );
}

/**
 * Records what a run proved of a branch it had nothing to write to (a full
 * proof, or fewer series to read): its own short transaction under the
 * branch's lock. Returns false when another run holds the lock (nothing is
 * recorded; the next run proves the branch again).
 */
export async function recordBranchProof(db: Database, draft: BranchSyncDraft, now: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await tryLockBranch(tx, draft.branchId))) return false;
    await recordSync(tx, draft, now, []);
    return true;
  });
}

function countsOf(r: BranchApplyResult): BranchWriteCounts {
  return { created: r.created, updated: r.updated, deleted: r.deleted, cancelled: r.cancelled, seriesArchived: r.seriesArchived, notWritten: r.notWritten };
}

function recoveredResult(branchId: string, c: BranchWriteCounts): BranchApplyResult {
  return { branchId, status: 'applied', ...c, skipped: [], recovered: true };
}
