// The reconcile_runs journal: one row per run, written at its start
// ('running', with pid, host and a lease the run renews) and at its end.
// Lease times come from the database clock: they are compared by other
// processes, on other hosts, whose clocks may differ.
import { randomUUID } from 'node:crypto';
import type { JournaledRun } from '../core/render/runs.js';
import type { Sql } from './database.js';
import { isoFromMs, msFromTimestamp } from './instants.js';
import { runnerIdentity } from './runner-identity.js';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'awaiting-approval';

/** A journal row as this store reads it: what `runs` shows, and the lease. */
export interface RunRecord extends JournaledRun {
  status: RunStatus;
  /** Until when the run's lease holds (database clock); null for a finished run or one journaled before leases. */
  leaseExpiresAtMs: number | null;
  /** The lease has expired by the database clock at the time the row was read. */
  leaseExpired: boolean;
}

export async function startRun(
  sql: Sql,
  r: { mode: string; nowMs: number; configDigest: string; resumedAfter?: string | null; startedAtMs: number; pid?: number; host?: string; leaseMs?: number; token?: string; planFingerprint?: string | null },
): Promise<string> {
  const me = runnerIdentity();
  // With the same token, a second call returns the row of the first (an
  // insert retried after its acknowledgement was lost).
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO reconcile_runs (started_at, status, mode, "now", config_digest, resumed_after, pid, host, heartbeat_at, lease_expires_at, token, plan_fingerprint)
     VALUES ($1::timestamptz, 'running', $2, $3::timestamptz, $4, $5::bigint, $6::int, $7, clock_timestamp(),
             clock_timestamp() + $8::int * interval '1 millisecond', $9::uuid, $10)
     ON CONFLICT (token) DO UPDATE SET token = EXCLUDED.token
     RETURNING id::text AS id`,
    [isoFromMs(r.startedAtMs), r.mode, isoFromMs(r.nowMs), r.configDigest, r.resumedAfter ?? null, r.pid ?? me.pid, r.host ?? me.host, r.leaseMs ?? DEFAULT_LEASE_MS, r.token ?? randomUUID(), r.planFingerprint ?? null],
  );
  return rows[0]!.id;
}

/** How long a run's lease lasts when it is not renewed. */
export const DEFAULT_LEASE_MS = 60_000;

/** Renews a running run's lease for `leaseMs` from now (database clock); false if the row is no longer running. */
export async function renewRunLease(sql: Sql, id: string, leaseMs: number): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE reconcile_runs SET heartbeat_at = clock_timestamp(), lease_expires_at = clock_timestamp() + $2::int * interval '1 millisecond'
      WHERE id = $1::bigint AND status = 'running' RETURNING 1`,
    [id, leaseMs],
  );
  return rows.length > 0;
}

/**
 * Finishes a run's row and drops its branch-write records (the summary now
 * carries the counts). With `onlyIfRunning`, a row another process finished
 * meanwhile is left as it is. Returns whether the row was written.
 */
export async function finishRun(
  sql: Sql,
  id: string,
  r: { status: 'succeeded' | 'failed' | 'interrupted' | 'awaiting-approval'; summary: unknown; error?: string | null; finishedAtMs: number; onlyIfRunning?: boolean },
): Promise<boolean> {
  const rows = await sql.query(
    `WITH finished AS (
       UPDATE reconcile_runs
          SET status = $2, summary = $3::text::jsonb, error = $4, finished_at = $5::timestamptz, heartbeat_at = $5::timestamptz,
              lease_expires_at = NULL
        WHERE id = $1::bigint AND (NOT $6::bool OR status = 'running')
       RETURNING id
     ), dropped AS (
       DELETE FROM reconcile_branch_writes WHERE run_id IN (SELECT id FROM finished)
     )
     SELECT 1 FROM finished`,
    [id, r.status, JSON.stringify(r.summary ?? null), r.error ?? null, isoFromMs(r.finishedAtMs), r.onlyIfRunning === true],
  );
  return rows.length > 0;
}

interface RunRow {
  id: string;
  status: RunStatus;
  mode: string;
  now: Date;
  started_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date | null;
  lease_expires_at: Date | null;
  lease_expired: boolean;
  config_digest: string | null;
  summary: unknown;
  error: string | null;
  resumed_after: string | null;
  pid: number | null;
  host: string | null;
}

function runFromRow(r: RunRow): RunRecord {
  return {
    id: r.id,
    status: r.status,
    mode: r.mode,
    nowMs: msFromTimestamp(r.now)!,
    startedAtMs: msFromTimestamp(r.started_at)!,
    finishedAtMs: msFromTimestamp(r.finished_at),
    heartbeatAtMs: msFromTimestamp(r.heartbeat_at),
    leaseExpiresAtMs: msFromTimestamp(r.lease_expires_at),
    leaseExpired: r.lease_expired === true,
    configDigest: r.config_digest,
    summary: r.summary,
    error: r.error,
    resumedAfter: r.resumed_after,
    pid: r.pid,
    host: r.host,
  };
}

const RUN_COLUMNS = `id::text AS id, status, mode, "now", started_at, finished_at, heartbeat_at,
                     lease_expires_at, COALESCE(lease_expires_at < clock_timestamp(), false) AS lease_expired,
                     config_digest, summary, error, resumed_after::text AS resumed_after, pid, host`;

/** The latest run that applied the saved plan with this fingerprint (any status), or null. */
export async function findRunByPlanFingerprint(sql: Sql, fingerprint: string): Promise<RunRecord | null> {
  const rows = await sql.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM reconcile_runs WHERE plan_fingerprint = $1 ORDER BY reconcile_runs.id DESC LIMIT 1`,
    [fingerprint],
  );
  return rows[0] ? runFromRow(rows[0]) : null;
}

/** The latest runs, newest first. */
export async function listRuns(sql: Sql, limit: number): Promise<RunRecord[]> {
  const rows = await sql.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM reconcile_runs ORDER BY reconcile_runs.id DESC LIMIT $1::int`, [limit]);
  return rows.map(runFromRow);
}

/** Runs still marked 'running' (live, or dead and to be marked interrupted), oldest first. */
export async function listRunningRuns(sql: Sql): Promise<RunRecord[]> {
  const rows = await sql.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM reconcile_runs WHERE status = 'running' ORDER BY reconcile_runs.id`);
  return rows.map(runFromRow);
}

/** One run by id, or null. */
export async function findRun(sql: Sql, id: string): Promise<RunRecord | null> {
  const rows = await sql.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM reconcile_runs WHERE id = $1::bigint`, [id]);
  return rows[0] ? runFromRow(rows[0]) : null;
}
