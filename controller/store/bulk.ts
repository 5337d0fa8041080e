// Bulk statements send whole columns as array parameters; this is how many rows
// go into one statement and how their chunks are sent.

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

/**
 * Runs `send` for each chunk with up to two chunks in flight: while the
 * database works on chunk k, this process builds and sends chunk k+1 (its
 * parameters cost real CPU here). Statements still reach the database in
 * order on the transaction's one connection. Returns the sum of the results.
 */
export async function sendOverlapped<T>(parts: T[][], send: (part: T[]) => Promise<number>): Promise<number> {
  let total = 0;
  const inFlight: Array<Promise<number>> = [];
  try {
    for (const part of parts) {
      inFlight.push(send(part));
      if (inFlight.length > 1) total += await inFlight.shift()!;
    }
    while (inFlight.length > 0) total += await inFlight.shift()!;
  } catch (err) {
    // The chunks behind a failed one fail with it (the transaction is aborted);
    // the first error is the one to report.
    for (const p of inFlight) p.catch(() => {});
    throw err;
  }
  return total;
}
