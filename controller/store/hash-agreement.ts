// Series digests compare hashes the database computes with the same hashes
// computed in this process (pg-hash.ts, as a little-endian server with UTF-8
// text computes them). A server that computes them otherwise — a big-endian
// machine, or a database whose encoding is not UTF-8 for non-ASCII text —
// makes every digest differ. Runs stay correct (a series whose digest
// differs is read in full), but every full proof then reads everything.
import type { Sql } from './database.js';
import { isoFromMs } from './instants.js';
import { hashInstant, hashText, signedHash, type Hash64 } from './pg-hash.js';

/**
 * Non-ASCII on purpose: a database that does not store text as UTF-8 hashes
 * other bytes. Every character is in LATIN1 too, so such a database answers.
 */
const PROBE_TEXT = 'classctl hash probe: Zürich';
/** A fixed instant (2026-03-08 07:30 UTC) with a seed, as a session line hashes one. */
const PROBE_MS = Date.UTC(2026, 2, 8, 7, 30);
const PROBE_SEED: Hash64 = { hi: 0, lo: 7 };

/** True when the database's hashtextextended and timestamp_hash_extended give what this process computes. */
export async function serverHashesAgree(sql: Sql): Promise<boolean> {
  const [row] = await sql.query<{ text: string; instant: string }>(
    `SELECT hashtextextended($1::text, 7)::text AS text,
            timestamp_hash_extended($2::timestamptz AT TIME ZONE 'UTC', 7)::text AS instant`,
    [PROBE_TEXT, isoFromMs(PROBE_MS)],
  );
  return (
    row !== undefined &&
    row.text === signedHash(hashText(PROBE_TEXT, PROBE_SEED)).toString() &&
    row.instant === signedHash(hashInstant(PROBE_MS, PROBE_SEED)).toString()
  );
}
