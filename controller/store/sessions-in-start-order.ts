// Sessions a batch at a time in start order: keyset pagination on the unique
// (starts_at, series_id, occurrence_key) order, so a listing of years of
// sessions holds one batch of rows in memory, never the whole listing.
import type { Sql } from './database.js';

/** The keyset columns every row must carry; starts_at as text keeps the microseconds a JS Date would drop (and repeat a row at a batch's edge). */
export interface StartOrderKey {
  starts_at_key: string;
  series_id: string;
  occurrence_key: string;
}

export const START_ORDER_KEY_COLUMNS = `starts_at::text AS starts_at_key, series_id, occurrence_key`;

/**
 * Runs `SELECT columns FROM class_sessions WHERE where` in start order, batch
 * by batch, and yields each batch mapped by `map`. `params` are the
 * parameters `where` uses ($1…$N); the keyset and the limit come after them.
 */
export async function* sessionsInStartOrder<Row extends StartOrderKey, T>(
  sql: Sql,
  q: { columns: string; where: string; params: readonly unknown[]; batchRows: number },
  map: (row: Row) => T,
): AsyncGenerator<T[]> {
  let after: Row | null = null;
  for (;;) {
    const params = [...q.params];
    let text = `SELECT ${q.columns} FROM class_sessions WHERE ${q.where}`;
    if (after) {
      const n = params.push(after.starts_at_key, after.series_id, after.occurrence_key);
      text += ` AND (starts_at, series_id COLLATE "C", occurrence_key COLLATE "C") > ($${n - 2}::timestamptz, $${n - 1}::text COLLATE "C", $${n}::text COLLATE "C")`;
    }
    params.push(q.batchRows);
    text += ` ORDER BY starts_at, series_id COLLATE "C", occurrence_key COLLATE "C" LIMIT $${params.length}`;
    const rows = await sql.query<Row>(text, params);
    if (rows.length === 0) return;
    yield rows.map(map);
    if (rows.length < q.batchRows) return;
    after = rows[rows.length - 1]!;
  }
}
