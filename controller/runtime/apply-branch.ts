// Writes one branch's changes: one transaction, one advisory lock, bulk statements.
import type { Change, SeriesArchiveChange, SessionChange } from '../core/plan-types.js';
import { archiveSeries } from '../store/archive.js';
import type { Database } from '../store/database.js';
import { CreatesCollided, writeSessionChanges } from '../store/sessions.js';
import { tryLockBranch } from './branch-lock.js';

export interface BranchApplyResult {
  branchId: string;
  status: 'applied' | 'locked';
  created: number;
  updated: number;
  deleted: number;
  cancelled: number;
  seriesArchived: number;
  /** Changes the database refused because a row changed under the plan (booked, detached, already there). */
  skipped: Array<{ seriesId: string; occurrenceKey: string | null; reason: string }>;
}

export async function applyBranchChanges(
  db: Database,
  branchId: string,
  changes: Change[],
  opts: { runId: string | null; now: number; beforeCommit?: () => Promise<void> },
): Promise<BranchApplyResult> {
  const sessionChanges: SessionChange[] = [];
  const archives: SeriesArchiveChange[] = [];
  for (const c of changes) {
    if (c.action === 'delete-series') archives.push(c);
    else sessionChanges.push(c);
  }
  // Creates go in without conflict checks first (they cost the database more
  // than anything else here); one that collides aborts the transaction, which
  // is then written again with the checks, reporting each collision.
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
  opts: { runId: string | null; now: number; beforeCommit?: () => Promise<void> },
  fastCreates: boolean,
): Promise<BranchApplyResult> {
  const result: BranchApplyResult = { branchId, status: 'applied', created: 0, updated: 0, deleted: 0, cancelled: 0, seriesArchived: 0, skipped: [] };
  return db.transaction(async (tx) => {
    if (!(await tryLockBranch(tx, branchId))) {
      result.status = 'locked';
      return result;
    }
    if (sessionChanges.length > 0) {
      const w = await writeSessionChanges(tx, sessionChanges, opts.now, { fastCreates });
      result.created = w.created;
      result.updated = w.updated;
      result.deleted = w.deleted;
      result.cancelled = w.cancelled;
      for (const s of w.skipped) result.skipped.push({ seriesId: s.seriesId, occurrenceKey: s.occurrenceKey, reason: s.reason });
    }
    if (archives.length > 0) {
      const a = await archiveSeries(tx, archives, opts.runId, opts.now);
      result.seriesArchived = a.archived.length;
      for (const id of a.skipped) {
        result.skipped.push({ seriesId: id, occurrenceKey: null, reason: 'the series changed since the plan was made; it is archived by a later run if it is still ended' });
      }
    }
    if (opts.beforeCommit) await opts.beforeCommit();
    return result;
  });
}
