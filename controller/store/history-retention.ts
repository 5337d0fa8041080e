// Retention of session_events: events older than their branch's
// history.retainDays (by the database clock, which stamped them) are
// deleted, the oldest first, at most `maxRows` in one statement.
import type { Sql } from './database.js';

/**
 * Deletes up to `maxRows` expired events and returns how many. A branch not
 * in `days` (one deleted since, or not in this run's configuration) keeps its
 * events for `defaultDays`.
 */
export async function pruneSessionEvents(sql: Sql, days: ReadonlyMap<string, number>, defaultDays: number, maxRows: number): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `WITH expired AS (
       SELECT e.id FROM session_events AS e
         LEFT JOIN unnest($1::text[], $2::int[]) AS r(branch_id, days) ON r.branch_id = e.branch_id
        WHERE e.at < now() - COALESCE(r.days, $3::int) * interval '1 day'
          -- The shortest retention bounds the scan to the oldest end of the
          -- (at, id) index; without it every run would read every event.
          AND e.at < now() - $5::int * interval '1 day'
        ORDER BY e.at, e.id
        LIMIT $4::int
     ), gone AS (
       DELETE FROM session_events WHERE id IN (SELECT id FROM expired) RETURNING 1
     )
     SELECT count(*)::int AS n FROM gone`,
    [[...days.keys()], [...days.values()], defaultDays, maxRows, Math.min(defaultDays, ...days.values())],
  );
  return rows[0]!.n;
}
