import type { Sql } from '../store/database.js';
import { sqlText } from '../store/sql-literal.js';

/**
 * Takes the branch's advisory lock for the current transaction (released at
 * commit or rollback, so a killed run never leaves it behind). Non-blocking:
 * `false` means another run or replica is reconciling the branch right now.
 */
export async function tryLockBranch(tx: Sql, branchId: string): Promise<boolean> {
  // A literal, not a parameter: one round trip (store/sql-literal.ts). A
  // scratch copy's runs lock their own names: they neither wait for real runs
  // nor keep them from a branch.
  const name = `${tx.lockScope ?? ''}classctl:branch:${branchId}`;
  const rows = await tx.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtextextended(${sqlText(name)}, 0)) AS locked`);
  return rows[0]?.locked === true;
}
