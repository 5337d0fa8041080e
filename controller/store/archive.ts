// An ended series is copied into class_series_archive and
// deleted, in the caller's (the branch's) transaction; its sessions stay.
// The same statement appends its 'archive' history event (the series row as `before`).
import type { SeriesArchiveChange } from '../core/plan-types.js';
import type { Sql } from './database.js';
import { changeReason } from '../core/change-reasons.js';
import { EVENT_COLUMNS } from './session-event-sql.js';
import { SERIES_JSONB } from './series-sql.js';

/**
 * Archives the series whose version is still the one the plan saw; a series
 * edited (or already deleted) since is returned in `skipped` and left as it
 * is — the next run decides again from its new values. One statement for all.
 * Archiving an id archived before (the host re-created it) replaces the old
 * archive row: the archive keeps the last deleted version of each id.
 * `deleted_at` is an audit time: the database clock, not the run's `now`.
 */
export async function archiveSeries(
  tx: Sql,
  changes: SeriesArchiveChange[],
  runId: string | null,
): Promise<{ archived: string[]; skipped: string[] }> {
  if (changes.length === 0) return { archived: [], skipped: [] };
  const rows = await tx.query<{ id: string }>(
    `WITH wanted AS (
       SELECT * FROM unnest($1::text[], $2::bigint[], $4::text[]) AS w(id, version, reason)
     ), gone AS (
       DELETE FROM class_series AS s USING wanted AS w
        WHERE s.id = w.id AND s.version = w.version
       RETURNING s.id, s.branch_id, w.reason, ${SERIES_JSONB} AS row
     ), archived AS (
       INSERT INTO class_series_archive (id, "row", deleted_at, run_id)
       SELECT id, row, now(), $3::bigint FROM gone
       ON CONFLICT (id) DO UPDATE SET "row" = EXCLUDED."row", deleted_at = EXCLUDED.deleted_at, run_id = EXCLUDED.run_id
       RETURNING id
     ), logged AS (
       INSERT INTO session_events (${EVENT_COLUMNS})
       SELECT $3::bigint, g.branch_id, g.id, NULL, NULL, 'archive', NULL, g.reason, g.row, NULL FROM gone AS g
     )
     SELECT id FROM archived`,
    [changes.map((c) => c.seriesId), changes.map((c) => c.version), runId, changes.map(changeReason)],
  );
  const archived = new Set(rows.map((r) => r.id));
  return {
    archived: changes.filter((c) => archived.has(c.seriesId)).map((c) => c.seriesId),
    skipped: changes.filter((c) => !archived.has(c.seriesId)).map((c) => c.seriesId),
  };
}

export type RestoreOutcome =
  | { restored: true; branchId: string; row: Record<string, unknown> }
  | { restored: false; why: 'not-archived' | 'live' | 'branch-gone'; branchId?: string };

/**
 * Brings an archived series back into class_series, in the caller's
 * transaction: its archive row is deleted, the series inserted as it was
 * archived (a version above the archived one, so no snapshot of the old row
 * matches it) and an 'unarchive' event appended — one statement. Sessions
 * are not touched.
 */
export async function restoreArchivedSeries(tx: Sql, seriesId: string): Promise<RestoreOutcome> {
  const [state] = await tx.query<{ archived: boolean; live: boolean; branch_id: string | null; branch_exists: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM class_series_archive WHERE id = $1) AS archived,
            EXISTS (SELECT 1 FROM class_series WHERE id = $1) AS live,
            (SELECT "row"->>'branchId' FROM class_series_archive WHERE id = $1) AS branch_id,
            EXISTS (SELECT 1 FROM branches WHERE id = (SELECT "row"->>'branchId' FROM class_series_archive WHERE id = $1)) AS branch_exists`,
    [seriesId],
  );
  if (state!.live) return { restored: false, why: 'live' };
  if (!state!.archived) return { restored: false, why: 'not-archived' };
  if (!state!.branch_exists) return { restored: false, why: 'branch-gone', branchId: state!.branch_id ?? undefined };
  const rows = await tx.query<{ branch_id: string; row: Record<string, unknown> }>(
    `WITH restored AS (
       DELETE FROM class_series_archive WHERE id = $1 RETURNING id, "row" AS r
     ), inserted AS (
       INSERT INTO class_series (id, branch_id, title, rrule, start_date, end_date, start_time, duration_minutes, capacity,
                                 instructor_id, room_id, exdates, version, updated_at)
       SELECT id, r->>'branchId', r->>'title', r->>'rrule', (r->>'startDate')::date, (r->>'endDate')::date, (r->>'startTime')::time,
              (r->>'durationMinutes')::int, (r->>'capacity')::int, r->>'instructorId', r->>'roomId',
              ARRAY(SELECT d::date FROM jsonb_array_elements_text(COALESCE(r->'exdates', '[]'::jsonb)) AS d),
              COALESCE((r->>'version')::bigint, 0) + 1, now()
         FROM restored
       RETURNING id, branch_id
     ), logged AS (
       INSERT INTO session_events (${EVENT_COLUMNS})
       SELECT NULL, i.branch_id, i.id, NULL, NULL, 'unarchive', NULL, 'unarchived', NULL, x.r FROM inserted AS i JOIN restored AS x USING (id)
     )
     SELECT i.branch_id, x.r AS row FROM inserted AS i JOIN restored AS x USING (id)`,
    [seriesId],
  );
  return { restored: true, branchId: rows[0]!.branch_id, row: rows[0]!.row };
}
