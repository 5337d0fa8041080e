// Observing a branch cheaply (docs/performance.md): most series of
// a converged branch are unchanged, and reading every one of their sessions
// back into this process only to find nothing to do was most of a no-op run.
// So the database first sends one digest per series — an md5 over the compared
// fields of the series' sessions that have not started — and the run computes
// the same digest over the sessions it wants. Equal digests prove the two sets
// equal field by field; only the series whose digests differ are read in full
// (sessions.ts).
import { createHash } from 'node:crypto';
import type { DesiredSession, LocalDate, ObservedSession } from '../core/types.js';
import type { Sql } from './database.js';
import { isoFromMs } from './instants.js';
import { OBSERVED_COLUMNS } from './observed-columns.js';
import { withLiterals } from './sql-literal.js';

/** One series' sessions of a branch that start after `now`, summarized. */
export interface SeriesDigest {
  seriesId: string;
  count: number;
  /** The highest occurrence key among them. */
  lastKey: LocalDate;
  /** md5 (hex) of their lines (instants and key, LINE_SQL), in occurrence-key order. */
  times: string;
  /** Their other compared fields, encoded, when every one of them has the same; else null. */
  fields: string | null;
}

/** What a branch has, as far as a plan needs it before any session is read in full. */
export interface BranchObservation {
  /** Per series with sessions that start after `now`. */
  digests: SeriesDigest[];
  /** Sessions that have started but are keyed today or later: history that still takes its key. */
  started: ObservedSession[];
}

// A digest compares exactly the fields the diff compares (diff-sessions.ts).
// Per session, a binary line of its instants and occurrence key; per series,
// the other fields, which generation gives every session of a series alike:
// the database sends them once when all its rows agree, and the run compares
// them as text.
//
// The line is timestamptz_send() of both instants (8 bytes each: whole
// microseconds since 2000-01-01, big-endian) and the key, length-prefixed
// (int4send of its byte length, then its bytes): every line reads back as
// exactly its values, and lines need no separator. Binary, because turning
// the instants into decimal text (numeric arithmetic in SQL, number-to-string
// in JS) was the larger part of the digest on both sides. The run's instants
// are whole milliseconds, so a stored sub-millisecond instant differs, as it
// does for the full diff.
//
// Other text is encoded as SQL literals (quote_literal: quotes doubled,
// backslashes doubled behind an E prefix; NULL unquoted), so an encoding
// reads back as exactly its values: equal text means equal fields. A value
// encoded differently here and in SQL (a database whose encoding is not
// UTF-8, say) can only make them differ and send its series to the full read.
// Keep in step with literal(), fieldsOf() and matchesDigest() below.
const LINE_SQL = `timestamptz_send(starts_at) || timestamptz_send(ends_at) || int4send(octet_length(occurrence_key)) || textsend(occurrence_key)`;
const FIELDS_SQL = `(quote_literal(title) || ',' || quote_literal(timezone)
  || ',' || quote_nullable(instructor_id) || ',' || quote_nullable(room_id)
  || ',' || coalesce(capacity::text, 'NULL') || ',' || quote_literal(status) || ',' || detached::text) COLLATE "C"`;

// Digests of the branches $1 (text[]). The rows reach the aggregates sorted by
// branch, series and key, so string_agg joins the lines in key order without
// sorting each series again (measured a third cheaper). SQL does not promise
// that order to an aggregate without ORDER BY; were it ever different, the
// lines would be joined in another order, the digest would differ from the
// run's and the series would be read in full —
// slower, never wrong. OFFSET 0 keeps the subquery whole, so each row's text
// is computed once, not once per aggregate.
const DIGESTS_SQL = `
  SELECT branch_id AS "branchId", series_id AS "seriesId", count(*)::int AS count, max(k) AS "lastKey",
         md5(string_agg(line, ''::bytea)) AS times,
         CASE WHEN min(f) = max(f) THEN min(f) END AS fields
    FROM (SELECT branch_id COLLATE "C" AS branch_id, series_id COLLATE "C" AS series_id, occurrence_key COLLATE "C" AS k,
                 ${LINE_SQL} AS line, ${FIELDS_SQL} AS f
            FROM class_sessions
           WHERE branch_id = ANY($1::text[]) AND starts_at > $2::timestamptz
           ORDER BY 1, 2, 3
          OFFSET 0) AS s
   GROUP BY branch_id, series_id`;

// Both parts of the observation of several branches in one statement (a
// statement costs this process more than its rows): digest rows, kind 'd',
// and started sessions, kind 's', each as one JSON object (there are few).
// $1 branch ids, $2 now, $3 each branch's today.
const OBSERVATION_SQL = `
  SELECT * FROM (
    SELECT 'd' AS kind, d."branchId", d."seriesId", d.count, d."lastKey", d.times, d.fields, NULL::json AS session
      FROM (${DIGESTS_SQL}) AS d
    UNION ALL
    SELECT 's', s."branchId", s."seriesId", NULL, s."occurrenceKey", NULL, NULL, row_to_json(s)
      FROM (SELECT ${OBSERVED_COLUMNS}
              FROM class_sessions
              JOIN unnest($1::text[], $3::text[]) AS b(branch, today) ON branch_id = b.branch
             WHERE starts_at <= $2::timestamptz AND occurrence_key >= b.today) AS s
  ) AS o
  ORDER BY kind, "branchId" COLLATE "C", "seriesId" COLLATE "C", "lastKey" COLLATE "C"`;

type ObservationRow = SeriesDigest & { kind: 'd' | 's'; branchId: string; session: ObservedSession | null };

/**
 * The digests of each branch and its started sessions keyed today or later
 * (the digests leave those out: they are never changed, but still take their
 * key), for several branches in one query. Started sessions are sorted by
 * series and key. Every branch asked for is in the result.
 */
export async function readBranchObservations(
  sql: Sql,
  branches: ReadonlyArray<{ id: string; today: LocalDate }>,
  nowMs: number,
): Promise<Map<string, BranchObservation>> {
  const result = new Map<string, BranchObservation>(branches.map((b) => [b.id, { digests: [], started: [] }]));
  // Literals, not parameters: one round trip (sql-literal.ts). A run reads
  // these ahead while it plans; with parameters, each read waited for this
  // process to answer the server's description of it between two plans.
  const rows = await sql.query<ObservationRow>(withLiterals(OBSERVATION_SQL, [branches.map((b) => b.id), isoFromMs(nowMs), branches.map((b) => b.today)]));
  for (const r of rows) {
    const observation = result.get(r.branchId)!;
    if (r.kind === 'd') {
      observation.digests.push({ seriesId: r.seriesId, count: r.count, lastKey: r.lastKey, times: r.times, fields: r.fields });
    } else {
      // JSON spells a non-finite float8 as a string ("-Infinity"): Number() reads both.
      const o = r.session!;
      observation.started.push({ ...o, startsAt: Number(o.startsAt), endsAt: Number(o.endsAt) });
    }
  }
  return result;
}

/** quote_nullable() of PostgreSQL, in JS. */
function literal(text: string | null): string {
  if (text === null) return 'NULL';
  const quoted = "'" + (text.includes("'") ? text.replaceAll("'", "''") : text) + "'";
  return text.includes('\\') ? 'E' + quoted.replaceAll('\\', '\\\\') : quoted;
}

/** FIELDS_SQL of a desired session: stored as desired, it is scheduled and not detached. */
function fieldsOf(s: DesiredSession): string {
  return `${literal(s.title)},${literal(s.timezone)},${literal(s.instructorId)},${literal(s.roomId)},${s.capacity === null ? 'NULL' : s.capacity},'scheduled',false`;
}

/**
 * True when the series' sessions that start after `now`, summarized by
 * `digest`, are exactly its desired sessions keyed up to `digest.lastKey`:
 * the same keys, instants and fields. `desired` is sorted by occurrence key
 * (as generated); its instants are whole milliseconds.
 */
export function matchesDigest(desired: readonly DesiredSession[], digest: SeriesDigest): boolean {
  if (digest.fields === null) return false;
  let bytes = 0;
  let count = 0;
  let first: DesiredSession | undefined;
  for (const s of desired) {
    if (s.occurrenceKey > digest.lastKey) break;
    if (first === undefined) {
      first = s;
      if (fieldsOf(s) !== digest.fields) return false;
    } else if (
      s.title !== first.title ||
      s.timezone !== first.timezone ||
      s.instructorId !== first.instructorId ||
      s.roomId !== first.roomId ||
      s.capacity !== first.capacity
    ) {
      return false; // never from generation; then this series is simply read in full
    }
    if (count === digest.count) return false; // more desired than stored
    bytes = writeLine(s, bytes);
    count++;
  }
  return count === digest.count && createHash('md5').update(lines.subarray(0, bytes)).digest('hex') === digest.times;
}

/** Reused between calls: a series' lines are a few kilobytes. */
let lines: Buffer = Buffer.allocUnsafe(64 * 1024);

function room(buffer: Buffer, size: number): Buffer {
  if (size <= buffer.length) return buffer;
  const grown = Buffer.allocUnsafe(Math.max(size, buffer.length * 2));
  buffer.copy(grown);
  return grown;
}

/** Writes LINE_SQL of a desired session at `offset` of `lines`; returns the offset after it. */
function writeLine(s: DesiredSession, offset: number): number {
  const key = s.occurrenceKey;
  const keyBytes = Buffer.byteLength(key, 'utf8');
  lines = room(lines, offset + 20 + keyBytes);
  let at = writeMicros(lines, offset, s.startsAt);
  at = writeMicros(lines, at, s.endsAt);
  at = lines.writeInt32BE(keyBytes, at);
  if (keyBytes === key.length) {
    // ASCII (every key generation makes): one byte per character, no encoder call.
    for (let i = 0; i < key.length; i++) lines[at + i] = key.charCodeAt(i);
    return at + keyBytes;
  }
  return at + lines.write(key, at, 'utf8');
}

/** 2000-01-01T00:00:00Z, the epoch of timestamptz_send(). */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;

/** Writes timestamptz_send() of the instant `ms` (whole milliseconds) at `offset`; returns the offset after it. */
function writeMicros(buffer: Buffer, offset: number, ms: number): number {
  // Exact in a double: |micros| < 2^53 for every year PostgreSQL stores.
  const micros = (ms - PG_EPOCH_MS) * 1000;
  const high = Math.floor(micros / TWO_32);
  const low = micros - high * TWO_32;
  buffer[offset] = high >>> 24;
  buffer[offset + 1] = high >>> 16;
  buffer[offset + 2] = high >>> 8;
  buffer[offset + 3] = high;
  buffer[offset + 4] = low >>> 24;
  buffer[offset + 5] = low >>> 16;
  buffer[offset + 6] = low >>> 8;
  buffer[offset + 7] = low;
  return offset + 8;
}
