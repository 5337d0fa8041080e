// class_sessions: what a run observes (one query per branch) and what it writes
// (a handful of bulk statements per branch, in session-writes.ts).
import type { LocalDate, ObservedSession, SessionStatus } from '../core/types.js';
import type { Sql } from './database.js';
import { isoFromMs } from './instants.js';

export { writeSessionChanges, describeSkipReason, type SessionWriteResult, type SkippedSessionChange, type SkipReason } from './session-writes.js';

interface ObservedRow {
  id: string;
  series_id: string;
  branch_id: string;
  occurrence_key: string;
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
}

/**
 * The observed sessions of a branch (DESIGN §4.6): every session that starts
 * after `now`, or whose occurrence key is today or later in the branch's zone
 * (a started session of today still takes its key). One query for the whole
 * branch, served by the (branch_id, starts_at) and (branch_id, occurrence_key)
 * indexes; sorted by series and occurrence key. Instants are epoch ms.
 */
export async function readObservedSessions(sql: Sql, branchId: string, nowMs: number, today: LocalDate): Promise<ObservedSession[]> {
  const rows = await sql.query<ObservedRow>(
    `SELECT id::text AS id, series_id, branch_id, occurrence_key, title,
            (extract(epoch FROM starts_at) * 1000)::float8 AS starts_at,
            (extract(epoch FROM ends_at) * 1000)::float8 AS ends_at,
            timezone, instructor_id, room_id, capacity, status, detached, booked_count
       FROM class_sessions
      WHERE branch_id = $1 AND (starts_at > $2::timestamptz OR occurrence_key >= $3)
      ORDER BY series_id COLLATE "C", occurrence_key COLLATE "C"`,
    [branchId, isoFromMs(nowMs), today],
  );
  return rows.map((r) => ({
    id: r.id,
    seriesId: r.series_id,
    branchId: r.branch_id,
    occurrenceKey: r.occurrence_key,
    title: r.title,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    timezone: r.timezone,
    instructorId: r.instructor_id,
    roomId: r.room_id,
    capacity: r.capacity,
    status: r.status,
    detached: r.detached,
    bookedCount: r.booked_count,
  }));
}
