// The plan_approvals table: plans a run held for a person's approval, and
// what became of each (approved and applied by a run, superseded by a newer
// plan, rejected). At most one is pending; holding a new plan supersedes it,
// under a transaction-level advisory lock so two replicas holding at once
// cannot both insert.
import type { Database, Sql } from './database.js';
import { ISO_UTC } from './session-event-sql.js';

export type ApprovalStatus = 'pending' | 'approved' | 'superseded' | 'rejected';
export type ApprovalReason = 'removals' | 'always';

/** What a held plan records: enough to prove a re-plan identical, not the changes. */
export interface HeldPlanRecord {
  nowMs: number;
  reason: ApprovalReason;
  configDigest: string;
  fingerprint: string;
  seriesVersions: Record<string, string>;
  branchDigests: Record<string, string>;
  earliestStart: { ms: number; seriesId: string; occurrenceKey: string | null } | null;
  totals: Record<string, number>;
}

export interface PlanApproval extends HeldPlanRecord {
  id: string;
  createdAt: string;
  status: ApprovalStatus;
  heldRunId: string | null;
  decidedAt: string | null;
  appliedRunId: string | null;
}

/** The lock key holding a plan takes (any fixed bigint; "classctl approvals" in ASCII, truncated). */
const HOLD_LOCK = 6_361_447_337_312_105;

interface Row {
  id: string;
  created_at: string;
  now_ms: string;
  reason: ApprovalReason;
  config_digest: string;
  fingerprint: string;
  series_versions: Record<string, string>;
  branch_digests: Record<string, string>;
  earliest_start: HeldPlanRecord['earliestStart'];
  totals: Record<string, number>;
  status: ApprovalStatus;
  held_run_id: string | null;
  decided_at: string | null;
  applied_run_id: string | null;
}

const COLUMNS = `id::text AS id, ${ISO_UTC('created_at')} AS created_at, (extract(epoch FROM "now") * 1000)::bigint::text AS now_ms, reason, config_digest, fingerprint,
  series_versions, branch_digests, earliest_start, totals, status, held_run_id::text AS held_run_id,
  CASE WHEN decided_at IS NULL THEN NULL ELSE ${ISO_UTC('decided_at')} END AS decided_at, applied_run_id::text AS applied_run_id`;

function fromRow(r: Row): PlanApproval {
  return {
    id: r.id,
    createdAt: r.created_at,
    nowMs: Number(r.now_ms),
    reason: r.reason,
    configDigest: r.config_digest,
    fingerprint: r.fingerprint,
    seriesVersions: r.series_versions,
    branchDigests: r.branch_digests,
    earliestStart: r.earliest_start,
    totals: r.totals,
    status: r.status,
    heldRunId: r.held_run_id,
    decidedAt: r.decided_at,
    appliedRunId: r.applied_run_id,
  };
}

/** Same plan: the same changes (branch digests) from the same inputs, held for the same reason. */
function samePlan(a: Pick<HeldPlanRecord, 'reason' | 'configDigest' | 'seriesVersions' | 'branchDigests'>, b: typeof a): boolean {
  const sameMap = (x: Record<string, string>, y: Record<string, string>) => {
    const keys = Object.keys(x);
    return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
  };
  return a.reason === b.reason && a.configDigest === b.configDigest && sameMap(a.seriesVersions, b.seriesVersions) && sameMap(a.branchDigests, b.branchDigests);
}

/**
 * Records a held plan as the pending approval. When the pending one is the
 * same plan (nothing changed since it was held), it stays and its id is
 * returned (`kept`): an approval a person is looking at does not change id
 * at every interval. Otherwise it is superseded by the new one.
 */
export async function holdPlan(db: Database, plan: HeldPlanRecord, heldRunId: string | null): Promise<{ id: string; kept: boolean; superseded: string | null }> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [String(HOLD_LOCK)]);
    const pending = (await tx.query<Row>(`SELECT ${COLUMNS} FROM plan_approvals WHERE status = 'pending'`))[0];
    if (pending && samePlan(fromRow(pending), plan)) return { id: pending.id, kept: true, superseded: null };
    if (pending) await tx.query(`UPDATE plan_approvals SET status = 'superseded', decided_at = now() WHERE id = $1::bigint`, [pending.id]);
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO plan_approvals ("now", reason, config_digest, fingerprint, series_versions, branch_digests, earliest_start, totals, held_run_id)
       VALUES ($1::timestamptz, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9::bigint) RETURNING id::text AS id`,
      [
        new Date(plan.nowMs).toISOString(), plan.reason, plan.configDigest, plan.fingerprint, JSON.stringify(plan.seriesVersions),
        JSON.stringify(plan.branchDigests), plan.earliestStart === null ? null : JSON.stringify(plan.earliestStart), JSON.stringify(plan.totals), heldRunId,
      ],
    );
    return { id: rows[0]!.id, kept: false, superseded: pending?.id ?? null };
  });
}

/** A run planned nothing that needs approval: the plan waiting is no longer what the controller would do. */
export async function supersedePending(sql: Sql): Promise<string | null> {
  const rows = await sql.query<{ id: string }>(`UPDATE plan_approvals SET status = 'superseded', decided_at = now() WHERE status = 'pending' RETURNING id::text AS id`);
  return rows[0]?.id ?? null;
}

export async function findApproval(sql: Sql, id: string): Promise<PlanApproval | null> {
  const rows = await sql.query<Row>(`SELECT ${COLUMNS} FROM plan_approvals WHERE id = $1::bigint`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Newest first. */
export async function listApprovals(sql: Sql, o: { status?: ApprovalStatus; limit: number }): Promise<PlanApproval[]> {
  const rows = await sql.query<Row>(
    `SELECT ${COLUMNS} FROM plan_approvals WHERE $1::text IS NULL OR status = $1 ORDER BY plan_approvals.id DESC LIMIT $2::int`,
    [o.status ?? null, o.limit],
  );
  return rows.map(fromRow);
}

/** Decides a pending approval; false when it is no longer pending (decided meanwhile). */
export async function decideApproval(sql: Sql, id: string, d: { status: 'approved' | 'rejected'; appliedRunId?: string | null }): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE plan_approvals SET status = $2, decided_at = now(), applied_run_id = $3::bigint WHERE id = $1::bigint AND status = 'pending' RETURNING id`,
    [id, d.status, d.appliedRunId ?? null],
  );
  return rows.length > 0;
}
