// reconcile_branch_writes: what one branch transaction of a run wrote,
// inserted in that same transaction. It exists or not exactly as the
// branch's changes do, so a run that lost the acknowledgement of a COMMIT
// (the connection dropped after the server committed) can ask whether the
// branch is written before it writes it again.
import type { Sql } from './database.js';
import { sqlText } from './sql-literal.js';

export interface BranchWriteCounts {
  created: number;
  updated: number;
  deleted: number;
  cancelled: number;
  seriesArchived: number;
  /** Changes the database refused (a row changed under the plan), by reason code. */
  notWritten: Record<string, number>;
}

/** In the branch's transaction, after its writes. Values as literals: one round trip (sql-literal.ts). */
export async function recordBranchWrite(tx: Sql, runId: string, branchId: string, counts: BranchWriteCounts): Promise<void> {
  await tx.query(branchWriteStatement(runId, branchId, counts));
}

/** recordBranchWrite's statement (for a transaction script). */
export const branchWriteStatement = (runId: string, branchId: string, counts: BranchWriteCounts) =>
  `INSERT INTO reconcile_branch_writes (run_id, branch_id, counts) VALUES (${sqlText(runId)}::bigint, ${sqlText(branchId)}, ${sqlText(JSON.stringify(counts))}::jsonb)`;

/** What a committed branch transaction of this run wrote, or null if none committed. */
export async function readBranchWrite(sql: Sql, runId: string, branchId: string): Promise<BranchWriteCounts | null> {
  const rows = await sql.query<{ counts: BranchWriteCounts }>(`SELECT counts FROM reconcile_branch_writes WHERE run_id = $1::bigint AND branch_id = $2`, [
    runId,
    branchId,
  ]);
  return rows[0]?.counts ?? null;
}

/** Every branch a run committed and has not yet summarized (a run that died), in branch order. */
export async function readBranchWrites(sql: Sql, runId: string): Promise<Array<{ branchId: string; counts: BranchWriteCounts }>> {
  const rows = await sql.query<{ branch_id: string; counts: BranchWriteCounts }>(
    `SELECT branch_id, counts FROM reconcile_branch_writes WHERE run_id = $1::bigint ORDER BY branch_id COLLATE "C"`,
    [runId],
  );
  return rows.map((r) => ({ branchId: r.branch_id, counts: r.counts }));
}
