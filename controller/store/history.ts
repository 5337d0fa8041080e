// Reading the history of every change (the view session_event_list, which
// lists a grouped create's sessions one event each): newest first, in
// batches (keyset on the row id and the session's place in it), so a long
// history streams in bounded memory; and one run's changes grouped by branch.
import type { EventKind, SessionEvent } from '../core/session-event.js';
import type { Sql } from './database.js';
import { ISO_UTC } from './session-event-sql.js';
import { isoFromMs } from './instants.js';

export interface HistoryFilter {
  seriesId?: string;
  /** With seriesId: one session's history. */
  occurrenceKey?: string;
  runId?: string;
  sinceMs?: number;
  /** At most this many events in all. */
  limit: number;
}

/** Events per read: enough to keep round trips few, small enough to hold. */
export const HISTORY_BATCH_ROWS = 1000;

// id is read as text (a bigint may pass 2^53): order by the column itself,
// `session_events.id`, never by the text output column of the same name.
const EVENT_FIELDS = `id::text || CASE WHEN ordinal > 0 THEN '.' || ordinal ELSE '' END AS id, id::text AS row_id, ordinal::text AS ordinal, run_id::text AS run_id, ${ISO_UTC('at')} AS at, branch_id, series_id, occurrence_key,
       session_id::text AS session_id, kind, booked_count, reason, before, after`;

interface EventRow {
  /** The event's id: its row's, with `.N` for the Nth session of a grouped create. */
  id: string;
  row_id: string;
  ordinal: string;
  run_id: string | null;
  at: string;
  branch_id: string;
  series_id: string;
  occurrence_key: string | null;
  session_id: string | null;
  kind: EventKind;
  booked_count: number | null;
  reason: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

function eventFromRow(r: EventRow): SessionEvent {
  return {
    id: r.id, runId: r.run_id, at: r.at, branchId: r.branch_id, seriesId: r.series_id, occurrenceKey: r.occurrence_key, sessionId: r.session_id,
    kind: r.kind, bookedCount: r.booked_count, reason: r.reason, before: r.before, after: r.after,
  };
}

/** The filter's events, newest first, `batchRows` at a time, `limit` in all. */
export async function* historyBatches(sql: Sql, f: HistoryFilter, batchRows = HISTORY_BATCH_ROWS): AsyncGenerator<SessionEvent[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  if (f.seriesId !== undefined) where.push(`series_id = ${param(f.seriesId)}`);
  if (f.occurrenceKey !== undefined) where.push(`occurrence_key = ${param(f.occurrenceKey)}`);
  if (f.runId !== undefined) where.push(`run_id = ${param(f.runId)}::bigint`);
  if (f.sinceMs !== undefined) where.push(`at >= ${param(isoFromMs(f.sinceMs))}::timestamptz`);
  let left = f.limit;
  let before: { rowId: string; ordinal: string } | null = null;
  while (left > 0) {
    const p = [...params];
    const conditions = [...where];
    if (before !== null) conditions.push(`(id, ordinal) < ($${p.push(before.rowId)}::bigint, $${p.push(before.ordinal)}::bigint)`);
    const size = Math.min(batchRows, left);
    const text = `SELECT ${EVENT_FIELDS} FROM session_event_list${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}
                   ORDER BY session_event_list.id DESC, session_event_list.ordinal DESC LIMIT $${p.push(size)}::int`;
    const rows = await sql.query<EventRow>(text, p);
    if (rows.length === 0) return;
    yield rows.map(eventFromRow);
    left -= rows.length;
    if (rows.length < size) return;
    const last = rows[rows.length - 1]!;
    before = { rowId: last.row_id, ordinal: last.ordinal };
  }
}

export interface BranchChanges {
  branchId: string;
  /** Events by kind. */
  counts: Partial<Record<EventKind, number>>;
  /** The branch's first changes, in the order they were written. */
  first: SessionEvent[];
}

function runCountRows(sql: Sql, runId: string) {
  return sql.query<{ branch_id: string; kind: EventKind; n: number }>(
    `SELECT branch_id, kind, sum(coalesce(cardinality(occurrence_keys), 1))::int AS n FROM session_events WHERE run_id = $1::bigint GROUP BY branch_id, kind ORDER BY branch_id COLLATE "C", kind`,
    [runId],
  );
}

/** A run's changes per branch (branch order): counts by kind only. */
export async function runChangeCounts(sql: Sql, runId: string): Promise<Array<Pick<BranchChanges, 'branchId' | 'counts'>>> {
  const byBranch = new Map<string, Pick<BranchChanges, 'branchId' | 'counts'>>();
  for (const c of await runCountRows(sql, runId)) {
    let b = byBranch.get(c.branch_id);
    if (!b) byBranch.set(c.branch_id, (b = { branchId: c.branch_id, counts: {} }));
    b.counts[c.kind] = c.n;
  }
  return [...byBranch.values()];
}

/** A run's changes per branch (branch order): counts by kind and the first `firstPerBranch` events. */
export async function runChanges(sql: Sql, runId: string, firstPerBranch: number): Promise<BranchChanges[]> {
  const counts = await runCountRows(sql, runId);
  const first = await sql.query<EventRow>(
    `SELECT ${EVENT_FIELDS}
       FROM (SELECT *, row_number() OVER (PARTITION BY branch_id ORDER BY id, ordinal) AS nth FROM session_event_list WHERE run_id = $1::bigint) AS session_event_list
      WHERE nth <= $2::int ORDER BY session_event_list.branch_id COLLATE "C", session_event_list.id, session_event_list.ordinal`,
    [runId, firstPerBranch],
  );
  const byBranch = new Map<string, BranchChanges>();
  const branch = (id: string) => {
    let b = byBranch.get(id);
    if (!b) byBranch.set(id, (b = { branchId: id, counts: {}, first: [] }));
    return b;
  };
  for (const c of counts) branch(c.branch_id).counts[c.kind] = c.n;
  for (const r of first) branch(r.branch_id).first.push(eventFromRow(r));
  return [...byBranch.values()];
}

/** Where a page of a run's events ends: the last event's row id and its place in a grouped row. */
export interface EventCursor {
  rowId: string;
  ordinal: string;
}

/**
 * One page of a run's events in the order they were written (oldest first),
 * after `after` (exclusive); `next` is where the following page starts, or
 * null when this is the last one.
 */
export async function runEventsPage(sql: Sql, runId: string, limit: number, after: EventCursor | null): Promise<{ events: SessionEvent[]; next: EventCursor | null }> {
  const params: unknown[] = [runId];
  let keyset = '';
  if (after) keyset = ` AND (id, ordinal) > ($${params.push(after.rowId)}::bigint, $${params.push(after.ordinal)}::bigint)`;
  const rows = await sql.query<EventRow>(
    `SELECT ${EVENT_FIELDS} FROM session_event_list WHERE run_id = $1::bigint${keyset}
      ORDER BY session_event_list.id, session_event_list.ordinal LIMIT $${params.push(limit + 1)}::int`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { events: page.map(eventFromRow), next: rows.length > limit && last ? { rowId: last.row_id, ordinal: last.ordinal } : null };
}
