// The sessions of a calendar feed, a batch at a time in start order
// (sessions-in-start-order.ts). Read-only.
import type { FeedSession } from '../core/calendar/feed-ics.js';
import { DAY_MS } from '../core/generation/local-date.js';
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

/**
 * The feed's filter as SQL. Only the filters that are set appear: a
 * condition such as `($3 IS NULL OR instructor_id = $3)` hides the column
 * from the planner, which then cannot choose its index. An instructor's
 * sessions are found through the (instructor, month of the occurrence key)
 * index: the months from the one before the window's first day (an
 * occurrence key is its session's local date, at most a day from the UTC
 * date of its start) to the one after its last.
 */
export function feedWhere(f: FeedFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [new Date(f.fromMs).toISOString(), new Date(f.toMs).toISOString()];
  const where = ['starts_at >= $1::timestamptz', 'starts_at < $2::timestamptz'];
  const add = (condition: (n: string) => string, value: unknown) => where.push(condition(`$${params.push(value)}`));
  if (f.branchId !== null) add((n) => `branch_id = ${n}`, f.branchId);
  if (f.roomId !== null) add((n) => `room_id = ${n}`, f.roomId);
  if (f.instructorId !== null) {
    add((n) => `instructor_id = ${n}`, f.instructorId);
    add((n) => `left(occurrence_key, 7) >= ${n}`, utcMonth(f.fromMs - DAY_MS) ?? '0000-01');
    const last = utcMonth(f.toMs + DAY_MS);
    if (last !== null) add((n) => `left(occurrence_key, 7) <= ${n}`, last);
  }
  return { where: where.join(' AND '), params };
}

/** 'YYYY-MM' of an instant in UTC; null past year 9999 (no upper bound), '0000-01' before year 0. */
function utcMonth(ms: number): string | null {
  const iso = new Date(ms).toISOString();
  if (iso.startsWith('+')) return null;
  if (iso.startsWith('-')) return '0000-01';
  return iso.slice(0, 7);
}

export function feedBatches(sql: Sql, f: FeedFilter, batchRows = FEED_BATCH_ROWS): AsyncGenerator<FeedSession[]> {
  const { where, params } = feedWhere(f);
  return sessionsInStartOrder(sql, { columns: COLUMNS, where, params, batchRows }, toFeedSession);
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
