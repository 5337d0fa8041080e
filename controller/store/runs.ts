// The reconcile_runs journal: one row per run, written at its start
// ('running', with pid, host and a heartbeat) and at its end.
import type { Sql } from './database.js';
import { isoFromMs, msFromTimestamp } from './instants.js';
import { runnerIdentity } from './runner-identity.js';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface RunRecord {
  /** bigserial, as a decimal string. */
  id: string;
  status: RunStatus;
  mode: string;
  /** The instant the run computed for (`--now`), epoch ms. */
  nowMs: number;
  startedAtMs: number;
  finishedAtMs: number | null;
  heartbeatAtMs: number | null;
  configDigest: string | null;
  summary: unknown;
  error: string | null;
  resumedAfter: string | null;
  pid: number | null;
  host: string | null;
}

export async function startRun(
  sql: Sql,
  r: { mode: string; nowMs: number; configDigest: string; resumedAfter?: string | null; startedAtMs: number; pid?: number; host?: string },
): Promise<string> {
  const me = runnerIdentity();
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO reconcile_runs (started_at, status, mode, "now", config_digest, resumed_after, pid, host, heartbeat_at)
     VALUES ($1::timestamptz, 'running', $2, $3::timestamptz, $4, $5::bigint, $6::int, $7, $1::timestamptz)
     RETURNING id::text AS id`,
    [isoFromMs(r.startedAtMs), r.mode, isoFromMs(r.nowMs), r.configDigest, r.resumedAfter ?? null, r.pid ?? me.pid, r.host ?? me.host],
  );
  return rows[0]!.id;
}

/** Marks a running run as alive (for telling a dead 'running' row from a live one). */
export async function heartbeatRun(sql: Sql, id: string, atMs: number): Promise<void> {
  await sql.query(`UPDATE reconcile_runs SET heartbeat_at = $2::timestamptz WHERE id = $1::bigint AND status = 'running'`, [id, isoFromMs(atMs)]);
}

export async function finishRun(
  sql: Sql,
  id: string,
  r: { status: 'succeeded' | 'failed' | 'interrupted'; summary: unknown; error?: string | null; finishedAtMs: number },
): Promise<void> {
  await sql.query(
    `UPDATE reconcile_runs
        SET status = $2, summary = $3::text::jsonb, error = $4, finished_at = $5::timestamptz, heartbeat_at = $5::timestamptz
      WHERE id = $1::bigint`,
    [id, r.status, JSON.stringify(r.summary ?? null), r.error ?? null, isoFromMs(r.finishedAtMs)],
  );
}

interface RunRow {
  id: string;
  status: RunStatus;
  mode: string;
  now: Date;
  started_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date | null;
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
    configDigest: r.config_digest,
    summary: r.summary,
    error: r.error,
    resumedAfter: r.resumed_after,
    pid: r.pid,
    host: r.host,
  };
}

const RUN_COLUMNS = `id::text AS id, status, mode, "now", started_at, finished_at, heartbeat_at,
                     config_digest, summary, error, resumed_after::text AS resumed_after, pid, host`;

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
