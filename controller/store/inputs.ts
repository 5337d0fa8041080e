// The inputs of a run: branches, class series (with their version) and the
// ids of archived series. Read inside the run's snapshot transaction.
import type { Branch, ClassSeries } from '../core/types.js';
import type { Sql } from './database.js';
import { sortByIdInCodePointOrder } from './code-point-order.js';
import { SERIES_COLUMNS, SharedValues, seriesFromRow, type SeriesRow } from './series-sql.js';

/** All branches, by id. A branch without a name (the host's column allows NULL) is named by its id. */
export async function readBranches(sql: Sql): Promise<Branch[]> {
  return sql.query<Branch>(
    `SELECT id, coalesce(name, id) AS name, timezone FROM branches ORDER BY id COLLATE "C"`,
  );
}

/**
 * Class series, by id: dates 'YYYY-MM-DD', startTime 'HH:MM' (seconds the host
 * may have stored are dropped), exdates sorted and without duplicates,
 * version as a decimal string.
 */
export async function readSeries(sql: Sql, opts: { branchId?: string } = {}): Promise<ClassSeries[]> {
  const where = opts.branchId === undefined ? '' : 'WHERE s.branch_id = $1';
  const shared = new SharedValues();
  // Sorted here, not by the database: its rows then come as the scan finds
  // them, and are converted while it reads on, instead of all at once after
  // a sort of the whole table (~0.1 s of a 100,000-series run).
  const series = await sql.mapRows<SeriesRow, ClassSeries>(
    `SELECT ${SERIES_COLUMNS} FROM class_series AS s ${where}`,
    opts.branchId === undefined ? [] : [opts.branchId],
    (r) => seriesFromRow(r, shared),
  );
  return sortByIdInCodePointOrder(series);
}

/** Ids of series the controller archived: their sessions are not orphans. */
export async function readArchivedSeriesIds(sql: Sql): Promise<Set<string>> {
  const rows = await sql.query<{ id: string }>(`SELECT id FROM class_series_archive`);
  return new Set(rows.map((r) => r.id));
}

/** One series by id, or null. */
export async function readSeriesById(sql: Sql, id: string): Promise<ClassSeries | null> {
  const rows = await sql.query<SeriesRow>(`SELECT ${SERIES_COLUMNS} FROM class_series AS s WHERE s.id = $1`, [id]);
  return rows[0] ? seriesFromRow(rows[0]) : null;
}

/** One series with its branch's time zone (what explain's session fields come from), or null. */
export async function readSeriesWithZone(sql: Sql, id: string): Promise<{ series: ClassSeries; branchTimezone: string } | null> {
  const series = await readSeriesById(sql, id);
  if (!series) return null;
  const zone = await sql.query<{ timezone: string }>('SELECT timezone FROM branches WHERE id = $1', [series.branchId]);
  return { series, branchTimezone: zone[0]?.timezone ?? 'unknown' };
}
