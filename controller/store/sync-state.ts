// branch_sync_state: what the last run that wrote or proved a branch left
// it at (docs/data-model.md, "Incremental runs"). Read once per run; written
// in the branch's own transaction, compare-and-set on the row the run read.
import type { PlanWarning } from '../core/plan-types.js';
import type { Sql } from './database.js';
import { isoFromMs } from './instants.js';
import { toPgArrayLiteral } from './pg-array.js';
import { sqlText } from './sql-literal.js';

export interface BranchSyncState {
  branchId: string;
  inputsDigest: string;
  /** Series read in full at every run, sorted. */
  unsettled: string[];
  /** The instant of the run that wrote the row, epoch ms. */
  syncedNow: number;
  /** The instant of the last full proof, epoch ms. */
  provenAt: number;
  /** The double-booking warnings of the plan that wrote the row (null: not recorded). */
  doubleBookings: PlanWarning[] | null;
  /** Decimal text (bigint). */
  revision: string;
}

export type BranchSyncRecord = Omit<BranchSyncState, 'revision'>;

/** The recorded state of each of `branchIds` that has one. */
export async function readBranchSyncStates(sql: Sql, branchIds: readonly string[]): Promise<Map<string, BranchSyncState>> {
  const rows = await sql.query<Omit<BranchSyncState, 'doubleBookings'> & { doubleBookings: string | null }>(
    `SELECT branch_id AS "branchId", inputs_digest AS "inputsDigest", unsettled,
            (extract(epoch FROM synced_now) * 1000)::float8 AS "syncedNow",
            (extract(epoch FROM proven_at) * 1000)::float8 AS "provenAt", double_bookings::text AS "doubleBookings", revision::text AS revision
       FROM branch_sync_state WHERE branch_id = ANY($1::text[])`,
    [toPgArrayLiteral([...branchIds])],
  );
  return new Map(
    rows.map((r) => [
      r.branchId,
      { ...r, syncedNow: Number(r.syncedNow), provenAt: Number(r.provenAt), doubleBookings: r.doubleBookings === null ? null : (JSON.parse(r.doubleBookings) as PlanWarning[]) },
    ]),
  );
}

/**
 * In the branch's transaction (under its lock): writes `record` over the row
 * the run read (`basisRevision`; null: there was none). If another run wrote
 * the row since, what this run proved may already be out of date, so the row
 * is deleted instead and the next run proves the branch in full. Returns
 * whether the record was written. One statement with its values as literals:
 * one round trip, pipelined with the branch's other record (sql-literal.ts).
 */
export async function recordBranchSync(tx: Sql, record: BranchSyncRecord, basisRevision: string | null): Promise<boolean> {
  const [row] = await tx.query<{ written: boolean }>(branchSyncStatement(record, basisRevision));
  return row?.written === true;
}

/** recordBranchSync's statement, with its values as literals (for a transaction script). */
export function branchSyncStatement(record: BranchSyncRecord, basisRevision: string | null): string {
  const branchId = sqlText(record.branchId);
  const inputsDigest = sqlText(record.inputsDigest);
  const unsettled = `${sqlText(toPgArrayLiteral(record.unsettled))}::text[]`;
  const syncedNow = `${sqlText(isoFromMs(record.syncedNow))}::timestamptz`;
  const provenAt = `${sqlText(isoFromMs(record.provenAt))}::timestamptz`;
  const doubleBookings = `${sqlText(record.doubleBookings === null ? null : JSON.stringify(record.doubleBookings))}::jsonb`;
  const write =
    basisRevision === null
      ? `INSERT INTO branch_sync_state (branch_id, inputs_digest, unsettled, synced_now, proven_at, double_bookings)
         VALUES (${branchId}, ${inputsDigest}, ${unsettled}, ${syncedNow}, ${provenAt}, ${doubleBookings})
         ON CONFLICT (branch_id) DO NOTHING RETURNING 1`
      : `UPDATE branch_sync_state
            SET inputs_digest = ${inputsDigest}, unsettled = ${unsettled}, synced_now = ${syncedNow}, proven_at = ${provenAt},
                double_bookings = ${doubleBookings}, revision = revision + 1, updated_at = now()
          WHERE branch_id = ${branchId} AND revision = ${sqlText(basisRevision)}::bigint RETURNING 1`;
  // The delete runs only when the write matched nothing (both see the row as
  // the statement started; the branch lock keeps other runs from writing it).
  return `WITH written AS (${write}),
          dropped AS (DELETE FROM branch_sync_state WHERE branch_id = ${branchId} AND NOT EXISTS (SELECT 1 FROM written) RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM written) AS written`;
}

/** In the branch's transaction: forgets its state, so the next run proves it in full. One statement with a literal. */
export async function forgetBranchSync(tx: Sql, branchId: string): Promise<void> {
  await tx.query(forgetBranchSyncStatement(branchId));
}

export const forgetBranchSyncStatement = (branchId: string) => `DELETE FROM branch_sync_state WHERE branch_id = ${sqlText(branchId)}`;

/** Forgets every branch's state: the next run proves every branch in full. */
export async function clearBranchSyncStates(sql: Sql): Promise<void> {
  await sql.query(`DELETE FROM branch_sync_state`);
}
