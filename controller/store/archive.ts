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
