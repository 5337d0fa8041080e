// The data invariants, checked by `classctl doctor`. Each check returns the
// offending rows (at most `limit`), so the operator sees what to fix.
import type { Sql } from './database.js';

export interface InvariantViolation {
  invariant: 'orphan-session' | 'duplicate-occurrence' | 'outside-series-window';
  message: string;
  rows: Array<Record<string, unknown>>;
}

export async function checkInvariants(sql: Sql, nowMs: number, limit = 20): Promise<InvariantViolation[]> {
  const out: InvariantViolation[] = [];
  const orphans = await sql.query(
    `SELECT s.series_id, count(*)::int AS sessions
       FROM class_sessions s
      WHERE NOT EXISTS (SELECT 1 FROM class_series c WHERE c.id = s.series_id)
        AND NOT EXISTS (SELECT 1 FROM class_series_archive a WHERE a.id = s.series_id)
      GROUP BY s.series_id ORDER BY s.series_id LIMIT $1`,
    [limit],
  );
  if (orphans.length) {
    out.push({
      invariant: 'orphan-session',
      message: 'Sessions whose series is neither in class_series nor in class_series_archive (a series deleted outside classctl with started sessions is expected to be archived first).',
      rows: orphans,
    });
  }
  const dups = await sql.query(
    `SELECT series_id, occurrence_key, count(*)::int AS copies
       FROM class_sessions GROUP BY series_id, occurrence_key HAVING count(*) > 1
      ORDER BY series_id, occurrence_key LIMIT $1`,
    [limit],
  );
  if (dups.length) {
    out.push({ invariant: 'duplicate-occurrence', message: 'Two sessions share (series_id, occurrence_key): the unique constraint is missing.', rows: dups });
  }
  const outside = await sql.query(
    `SELECT s.series_id, s.occurrence_key, c.start_date::text AS start_date, c.end_date::text AS end_date
       FROM class_sessions s JOIN class_series c ON c.id = s.series_id
      WHERE s.starts_at > $1::timestamptz AND s.status = 'scheduled' AND NOT s.detached
        AND (s.occurrence_key < c.start_date::text OR (c.end_date IS NOT NULL AND s.occurrence_key > c.end_date::text))
      ORDER BY s.series_id, s.occurrence_key LIMIT $2`,
    [new Date(nowMs).toISOString(), limit],
  );
  if (outside.length) {
    out.push({
      invariant: 'outside-series-window',
      message: 'Scheduled future sessions outside their series start/end dates: run `classctl reconcile --apply` (they are removed per the removal policy).',
      rows: outside,
    });
  }
  return out;
}
