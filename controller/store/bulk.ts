// Bulk statements send whole columns as array parameters; this is how many rows
// go into one statement.

/**
 * Rows per bulk statement. 10k rows keep one statement's parameters around a
 * few MB and measured ≈ 150k rows/s on PostgreSQL 15 (TOOLCHAIN.md); larger
 * batches gain nothing and hold more memory in the WebAssembly heap of PGlite.
 */
export const BULK_CHUNK_ROWS = 10_000;

export function chunks<T>(items: readonly T[], size: number = BULK_CHUNK_ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
