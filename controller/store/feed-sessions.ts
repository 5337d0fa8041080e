// The sessions of a calendar feed, a batch at a time in start order
// (sessions-in-start-order.ts). Read-only.
import type { FeedSession } from '../core/calendar/feed-ics.js';
import type { Sql } from './database.js';
import { START_ORDER_KEY_COLUMNS, sessionsInStartOrder, type StartOrderKey } from './sessions-in-start-order.js';

export interface FeedFilter {
  /** Null: every branch (an instructor's feed). */
  branchId: string | null;
  roomId: string | null;
  instructorId: string | null;
  /** Sessions starting in [fromMs, toMs). */
  fromMs: number;
  toMs: number;
}

export const FEED_BATCH_ROWS = 1000;

interface RawRow extends StartOrderKey {
  branch_id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  room_id: string | null;
  instructor_id: string | null;
  status: string;
  revision: number;
  updated_at: Date;
}

const COLUMNS = `${START_ORDER_KEY_COLUMNS}, branch_id, title, starts_at, ends_at,
  room_id, instructor_id, status, revision, updated_at`;
const WHERE = `($1::text IS NULL OR branch_id = $1) AND ($2::text IS NULL OR room_id = $2) AND ($3::text IS NULL OR instructor_id = $3)
  AND starts_at >= $4::timestamptz AND starts_at < $5::timestamptz`;

export function feedBatches(sql: Sql, f: FeedFilter, batchRows = FEED_BATCH_ROWS): AsyncGenerator<FeedSession[]> {
  const params = [f.branchId, f.roomId, f.instructorId, new Date(f.fromMs).toISOString(), new Date(f.toMs).toISOString()];
  return sessionsInStartOrder(sql, { columns: COLUMNS, where: WHERE, params, batchRows }, toFeedSession);
}

function toFeedSession(r: RawRow): FeedSession {
  return {
    seriesId: r.series_id,
    occurrenceKey: r.occurrence_key,
    branchId: r.branch_id,
    title: r.title,
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    roomId: r.room_id,
    instructorId: r.instructor_id,
    status: r.status,
    revision: Number(r.revision),
    updatedAt: new Date(r.updated_at),
  };
}

/** Branch id → name, for the location and name of a feed (branches are few). */
export async function branchNames(sql: Sql): Promise<Map<string, string>> {
  const rows = await sql.query<{ id: string; name: string }>(`SELECT id, name FROM branches`);
  return new Map(rows.map((r) => [r.id, r.name]));
}
