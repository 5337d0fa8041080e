// Reading a branch's sessions between two instants, in start order, a batch
// at a time (sessions-in-start-order.ts). Read-only.
import type { ScheduleSession } from '../core/render/schedule-rows.js';
import type { Sql } from './database.js';
import { START_ORDER_KEY_COLUMNS, sessionsInStartOrder, type StartOrderKey } from './sessions-in-start-order.js';

export interface ScheduleFilter {
  branchId: string;
  /** Instants [fromMs, toMs) the sessions start in. */
  fromMs: number;
  toMs: number;
  roomId?: string;
  instructorId?: string;
}

/** Rows per query: large enough that round trips do not dominate, small enough to stay a few hundred kB. */
export const SCHEDULE_BATCH_ROWS = 1000;

export interface BranchRow {
  id: string;
  name: string;
  timezone: string;
}

export async function findBranch(sql: Sql, id: string): Promise<BranchRow | null> {
  const rows = await sql.query<BranchRow>(`SELECT id, name, timezone FROM branches WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** A few branch ids, for an error that names what exists. */
export async function someBranchIds(sql: Sql, limit = 10): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(`SELECT id FROM branches ORDER BY id COLLATE "C" LIMIT $1`, [limit]);
  return rows.map((r) => r.id);
}

const WHERE = `branch_id = $1 AND starts_at >= $2::timestamptz AND starts_at < $3::timestamptz
   AND ($4::text IS NULL OR room_id = $4) AND ($5::text IS NULL OR instructor_id = $5)`;

function filterParams(f: ScheduleFilter): unknown[] {
  return [f.branchId, new Date(f.fromMs).toISOString(), new Date(f.toMs).toISOString(), f.roomId ?? null, f.instructorId ?? null];
}

/** The widest value of each variable-width column over the whole listing, so a streamed table lines up. */
export async function scheduleColumnWidths(sql: Sql, f: ScheduleFilter): Promise<{ series: number; title: number; room: number; instructor: number; rows: number }> {
  const rows = await sql.query<{ series: number | null; title: number | null; room: number | null; instructor: number | null; n: number | string }>(
    `SELECT max(length(series_id))::int AS series, max(length(title))::int AS title,
            max(length(room_id))::int AS room, max(length(instructor_id))::int AS instructor, count(*) AS n
       FROM class_sessions WHERE ${WHERE}`,
    filterParams(f),
  );
  const r = rows[0]!;
  return { series: r.series ?? 0, title: r.title ?? 0, room: r.room ?? 0, instructor: r.instructor ?? 0, rows: Number(r.n) };
}

interface RawRow extends StartOrderKey {
  id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  room_id: string | null;
  instructor_id: string | null;
  status: string;
  detached: boolean;
  booked_count: number;
  capacity: number | null;
}

const COLUMNS = `${START_ORDER_KEY_COLUMNS}, id::text AS id, title, starts_at, ends_at, room_id, instructor_id, status, detached, booked_count, capacity`;

/** The sessions of the filter in start order, batch by batch. */
export function scheduleBatches(sql: Sql, f: ScheduleFilter, batchRows = SCHEDULE_BATCH_ROWS): AsyncGenerator<ScheduleSession[]> {
  return sessionsInStartOrder(sql, { columns: COLUMNS, where: WHERE, params: filterParams(f), batchRows }, toSession);
}

function toSession(r: RawRow): ScheduleSession {
  return {
    id: r.id,
    seriesId: r.series_id,
    occurrenceKey: r.occurrence_key,
    title: r.title,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    roomId: r.room_id,
    instructorId: r.instructor_id,
    status: r.status,
    detached: r.detached,
    bookedCount: Number(r.booked_count),
    capacity: r.capacity === null ? null : Number(r.capacity),
  };
}
