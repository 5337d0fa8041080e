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
  const rows = await tx.query<{ locked: boolean }>(`SELECT ${tryLockExpression(tx.lockScope, branchId)} AS locked`);
  return rows[0]?.locked === true;
}

const tryLockExpression = (lockScope: string | undefined, branchId: string) =>
  `pg_try_advisory_xact_lock(hashtextextended(${sqlText(`${lockScope ?? ''}classctl:branch:${branchId}`)}, 0))`;

/**
 * For a transaction script (Database.transactionScripts), whose statements
 * are all sent before any answer: takes the branch's lock, or fails (a
 * division by zero, 22012), which stops the script and rolls it back.
 * isBranchLockedFailure tells that failure from others.
 */
export const lockBranchOrFailStatement = (lockScope: string | undefined, branchId: string) => `SELECT 1 / ${tryLockExpression(lockScope, branchId)}::int AS locked`;

/** The script failed at its lock statement: another run holds the branch. Nothing else in a branch write divides. */
export const isBranchLockedFailure = (err: unknown) => (err as { code?: unknown } | null)?.code === '22012';
