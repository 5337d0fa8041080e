// `classctl snapshot`: the whole state as one stable JSON value,
// so two snapshots can be diffed line by line — before/after a run, or twice
// at the same `now` to prove nothing moved, updated_at included.
import type { Branch, SessionStatus } from '../core/types.js';
import type { LoadSeries } from '../core/load/validate-load.js';
import type { Sql } from './database.js';
import { readBranches } from './inputs.js';
import { SERIES_COLUMNS, seriesFromRow, type SeriesRow } from './series-sql.js';

export interface SnapshotSession {
  id: string;
  seriesId: string;
  occurrenceKey: string;
  branchId: string;
  title: string;
  /** ISO UTC instants. */
  startsAt: string;
  endsAt: string;
  timezone: string;
  instructorId: string | null;
  roomId: string | null;
  capacity: number | null;
  status: SessionStatus;
  detached: boolean;
  bookedCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ArchivedSeriesEntry {
  id: string;
  deletedAt: string;
  runId: string | null;
  /** The deleted row: the load shape plus version and updatedAt. */
  series: Record<string, unknown>;
}

export interface Snapshot {
  branches: Branch[];
  /** The load shape (no version), so a snapshot can be loaded back. */
  series: LoadSeries[];
  sessions: SnapshotSession[];
  archivedSeries: ArchivedSeriesEntry[];
}

/** Code-unit order, the same on every backend and collation. */
function byKeys<T>(...keys: Array<(x: T) => string>) {
  return (a: T, b: T): number => {
    for (const k of keys) {
      const x = k(a);
      const y = k(b);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

interface SessionRow {
  id: string;
  series_id: string;
  occurrence_key: string;
  branch_id: string;
  title: string;
  starts_at: number;
  ends_at: number;
  timezone: string;
  instructor_id: string | null;
  room_id: string | null;
  capacity: number | null;
  status: SessionStatus;
  detached: boolean;
  booked_count: number;
  created_at: number;
  updated_at: number;
}

const EPOCH_MS = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8 AS ${column}`;

/**
 * Reads everything. For a consistent picture call it in a transaction that
 * starts with `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`.
 */
export async function takeSnapshot(sql: Sql): Promise<Snapshot> {
  const branches = await readBranches(sql);
  const seriesRows = await sql.query<SeriesRow>(`SELECT ${SERIES_COLUMNS} FROM class_series AS s`);
  const sessionRows = await sql.query<SessionRow>(
    `SELECT id::text AS id, series_id, occurrence_key, branch_id, title, ${EPOCH_MS('starts_at')}, ${EPOCH_MS('ends_at')},
            timezone, instructor_id, room_id, capacity, status, detached, booked_count,
            ${EPOCH_MS('created_at')}, ${EPOCH_MS('updated_at')}
       FROM class_sessions`,
  );
  const archiveRows = await sql.query<{ id: string; deleted_at: number; run_id: string | null; row: Record<string, unknown> }>(
    `SELECT id, ${EPOCH_MS('deleted_at')}, run_id::text AS run_id, "row" FROM class_series_archive`,
  );

  const series = seriesRows.map((r) => {
    const { version: _version, ...loadShape } = seriesFromRow(r);
    return loadShape;
  });
  const sessions: SnapshotSession[] = sessionRows.map((r) => ({
    id: r.id,
    seriesId: r.series_id,
    occurrenceKey: r.occurrence_key,
    branchId: r.branch_id,
    title: r.title,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    timezone: r.timezone,
    instructorId: r.instructor_id,
    roomId: r.room_id,
    capacity: r.capacity,
    status: r.status,
    detached: r.detached,
    bookedCount: r.booked_count,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }));
  const archivedSeries: ArchivedSeriesEntry[] = archiveRows.map((r) => ({
    id: r.id,
    deletedAt: iso(r.deleted_at),
    runId: r.run_id,
    series: r.row,
  }));
  return {
    branches: branches.sort(byKeys((b) => b.id)),
    series: series.sort(byKeys((s) => s.id)),
    sessions: sessions.sort(byKeys((s) => s.seriesId, (s) => s.occurrenceKey, (s) => s.id)),
    archivedSeries: archivedSeries.sort(byKeys((a) => a.id)),
  };
}
