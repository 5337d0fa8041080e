// Unarchive: an archived series comes back into class_series, through the
// same guards as every write (environment stamp, production), under its
// branch's lock so that no run writes the branch meanwhile. Its sessions are
// not touched; the next run plans the series again from its settings.
import { ClassctlError, ErrorCodes } from '../core/errors.js';
import type { Database } from '../store/database.js';
import { restoreArchivedSeries } from '../store/archive.js';
import { tryLockBranch } from './branch-lock.js';
import { checkApplyGuards, type ApplyGuardInput } from './guards.js';

export interface UnarchiveResult {
  seriesId: string;
  branchId: string;
  /** The series row as restored (the archived row). */
  row: Record<string, unknown>;
}

export async function unarchiveSeries(db: Database, seriesId: string, guards: Omit<ApplyGuardInput, 'action'>): Promise<UnarchiveResult> {
  await checkApplyGuards(db, { ...guards, action: `unarchive series ${seriesId}` });
  return db.transaction(async (tx) => {
    const [archived] = await tx.query<{ branch_id: string | null }>(`SELECT "row"->>'branchId' AS branch_id FROM class_series_archive WHERE id = $1`, [seriesId]);
    if (archived?.branch_id && !(await tryLockBranch(tx, archived.branch_id))) {
      throw new ClassctlError(ErrorCodes.BRANCH_LOCKED, `Branch ${archived.branch_id} is being written by a run; unarchive series ${seriesId} again when the run has finished. Nothing was written.`, { key: archived.branch_id });
    }
    const r = await restoreArchivedSeries(tx, seriesId);
    if (r.restored) return { seriesId, branchId: r.branchId, row: r.row };
    switch (r.why) {
      case 'live':
        throw new ClassctlError(ErrorCodes.NOT_FOUND, `Series ${seriesId} is not archived: it is in class_series. Nothing was written.`, { key: seriesId });
      case 'not-archived':
        throw new ClassctlError(ErrorCodes.NOT_FOUND, `No archived series ${seriesId} in class_series_archive (\`classctl snapshot\` lists the archived series). Nothing was written.`, { key: seriesId });
      case 'branch-gone':
        throw new ClassctlError(ErrorCodes.NOT_FOUND, `Series ${seriesId} belongs to branch ${r.branchId ?? '(none)'}, which no longer exists; load the branch first, then unarchive. Nothing was written.`, { key: seriesId });
    }
  });
}
