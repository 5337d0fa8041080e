// Reading the history of every change (the view session_event_list, which
// lists a grouped create's sessions one event each): newest first, in
// batches (keyset on the row id and the session's place in it), so a long
// history streams in bounded memory; and one run's changes grouped by branch.
//
// A series' events are found through the table's indexes (its series_id, or
// the series in a grouped create's array) before the grouped rows are
// unnested: the view's series column of a grouped create comes out of the
// array, where no index reaches it.
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

/**
 * The listing of session_event_list over the rows of `source` (a table or
 * CTE with session_events' columns): the view's own definition, which this
 * must match (test/cli/history.test.ts compares them).
 */
export const EVENT_LIST_SQL = (source: string) => `
  SELECT e.id, 0::bigint AS ordinal, e.run_id, e.at, e.branch_id, e.series_id, e.occurrence_key, e.session_id,
         e.kind, e.booked_count, e.reason, e.before, e.after
    FROM ${source} AS e
   WHERE e.occurrence_keys IS NULL
  UNION ALL
  SELECT e.id, u.ordinal, e.run_id, e.at, e.branch_id, coalesce(u.series_id, e.series_id) AS series_id, u.occurrence_key, u.session_id,
         e.kind, e.booked_count, e.reason, e.before,
         jsonb_build_object('startsAt', ${ISO_UTC('u.starts_at')})
    FROM ${source} AS e
   CROSS JOIN LATERAL unnest(e.occurrence_keys, e.session_ids, e.starts_ats, e.series_ids) WITH ORDINALITY AS u(occurrence_key, session_id, starts_at, series_id, ordinal)
   WHERE e.occurrence_keys IS NOT NULL`;

/** The filter's events, newest first, `batchRows` at a time, `limit` in all. */
export async function* historyBatches(sql: Sql, f: HistoryFilter, batchRows = HISTORY_BATCH_ROWS): AsyncGenerator<SessionEvent[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  // With a series: the rows that can hold it, by the indexes, first.
  const rowsOfSeries: string[] = [];
  if (f.seriesId !== undefined) {
    const series = param(f.seriesId);
    where.push(`series_id = ${series}`);
    rowsOfSeries.push(`(r.series_id = ${series} OR r.series_ids @> ARRAY[${series}]::text[])`);
  }
  if (f.occurrenceKey !== undefined) where.push(`occurrence_key = ${param(f.occurrenceKey)}`);
  if (f.runId !== undefined) where.push(`run_id = ${param(f.runId)}::bigint`);
  if (f.sinceMs !== undefined) where.push(`at >= ${param(isoFromMs(f.sinceMs))}::timestamptz`);
  let left = f.limit;
  let before: { rowId: string; ordinal: string } | null = null;
  while (left > 0) {
    const p = [...params];
    const conditions = [...where];
    const rowConditions = [...rowsOfSeries];
    if (before !== null) {
      const rowId = `$${p.push(before.rowId)}::bigint`;
      conditions.push(`(id, ordinal) < (${rowId}, $${p.push(before.ordinal)}::bigint)`);
      rowConditions.push(`r.id <= ${rowId}`);
    }
    const size = Math.min(batchRows, left);
    const from =
      rowsOfSeries.length > 0
        ? `(WITH rows AS MATERIALIZED (SELECT * FROM session_events AS r WHERE ${rowConditions.join(' AND ')}) ${EVENT_LIST_SQL('rows')}) AS session_event_list`
        : 'session_event_list';
    const text = `SELECT ${EVENT_FIELDS} FROM ${from}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}
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
