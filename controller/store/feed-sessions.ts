// The sessions of a calendar feed, a batch at a time in start order (keyset
// pagination on the unique (starts_at, series_id, occurrence_key) order), so a
// feed of years of sessions never holds more than one batch of rows. Read-only.
import type { FeedSession } from '../core/calendar/feed-ics.js';
import type { Sql } from './database.js';

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

interface RawRow {
  starts_at_key: string;
  series_id: string;
  occurrence_key: string;
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

const COLUMNS = `starts_at::text AS starts_at_key, series_id, occurrence_key, branch_id, title, starts_at, ends_at,
  room_id, instructor_id, status, revision, updated_at`;
const WHERE = `($1::text IS NULL OR branch_id = $1) AND ($2::text IS NULL OR room_id = $2) AND ($3::text IS NULL OR instructor_id = $3)
  AND starts_at >= $4::timestamptz AND starts_at < $5::timestamptz`;

export async function* feedBatches(sql: Sql, f: FeedFilter, batchRows = FEED_BATCH_ROWS): AsyncGenerator<FeedSession[]> {
  let after: RawRow | null = null;
  for (;;) {
    const params: unknown[] = [f.branchId, f.roomId, f.instructorId, new Date(f.fromMs).toISOString(), new Date(f.toMs).toISOString()];
    let text = `SELECT ${COLUMNS} FROM class_sessions WHERE ${WHERE}`;
    if (after) {
      params.push(after.starts_at_key, after.series_id, after.occurrence_key);
      text += ` AND (starts_at, series_id COLLATE "C", occurrence_key COLLATE "C") > ($6::timestamptz, $7::text COLLATE "C", $8::text COLLATE "C")`;
    }
    params.push(batchRows);
    text += ` ORDER BY starts_at, series_id COLLATE "C", occurrence_key COLLATE "C" LIMIT $${params.length}`;
    const rows: RawRow[] = await sql.query<RawRow>(text, params);
    if (rows.length === 0) return;
    yield rows.map(toFeedSession);
    if (rows.length < batchRows) return;
    after = rows[rows.length - 1]!;
  }
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
