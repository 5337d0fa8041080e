// Observing a branch cheaply (docs/performance.md): most series of
// a converged branch are unchanged, and reading every one of their sessions
// back into this process only to find nothing to do was most of a no-op run.
// So the database first sends one digest per series — a sum of a 64-bit hash
// per session over the compared fields of the series' sessions that have not
// started — and the run computes the same digest over the sessions it wants.
// Equal digests prove the two sets equal field by field (up to a 64-bit hash
// collision); only the series whose digests differ are read in full
// (sessions.ts).
import type { DesiredSession, LocalDate, ObservedSession } from '../core/types.js';
import type { Sql } from './database.js';
import { isoFromMs } from './instants.js';
import { OBSERVED_COLUMNS } from './observed-columns.js';
import { hashText, hashUint32, sessionLineHash, signedHash, type Hash64 } from './pg-hash.js';
import { withLiterals } from './sql-literal.js';

/** One series' sessions of a branch that start after `now`, summarized. */
export interface SeriesDigest {
  seriesId: string;
  count: number;
  /** The highest occurrence key among them. */
  lastKey: LocalDate;
  /** The sum (decimal) of their line hashes (instants and key, LINE_HASH_SQL). */
  times: string;
  /** The hash (decimal) of their other compared fields, when every one of them has the same; else null. */
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
// Per session, a hash of its instants and occurrence key (each hash seeds the
// next); per series, the sum of those, which no order of the rows changes:
// the database neither sorts a series' sessions nor turns them into text,
// which were most of the digest's cost when it was an md5 over their lines.
// The other fields, which generation gives every session of a series alike,
// are hashed per session (each field with a seed of its own, NULL as the bare
// seed); the database sends the hash when all of a series' rows agree.
//
// The hashes are PostgreSQL's own (hashtextextended and friends), which
// pg-hash.ts computes here as a little-endian server does; on a server whose
// hashes differ every series is read in full. The run's instants are whole
// milliseconds, so a stored sub-millisecond instant differs, as it does for
// the full diff. Keep in step with matchesDigest() and fieldsHashOf() below.
const LINE_HASH_SQL = `timestamp_hash_extended(starts_at AT TIME ZONE 'UTC',
    timestamp_hash_extended(ends_at AT TIME ZONE 'UTC', hashtextextended(occurrence_key, 0)))`;
const FIELDS_HASH_SQL = `(hashtextextended(title, 1) # hashtextextended(timezone, 2)
    # coalesce(hashtextextended(instructor_id, 3), 3) # coalesce(hashtextextended(room_id, 4), 4)
    # coalesce(hashint4extended(capacity, 5), 5) # hashtextextended(status, 6) # hashint4extended(detached::int, 7))`;

// Digests of the branches $1 (text[]). OFFSET 0 keeps the subquery whole, so
// each row's field hash is computed once, not once per aggregate.
const DIGESTS_SQL = `
  SELECT branch_id AS "branchId", series_id AS "seriesId", count(*)::int AS count, max(k) AS "lastKey",
         sum(line)::text AS times,
         CASE WHEN min(f) = max(f) THEN min(f)::text END AS fields
    FROM (SELECT branch_id, series_id, occurrence_key COLLATE "C" AS k, ${LINE_HASH_SQL} AS line, ${FIELDS_HASH_SQL} AS f
            FROM class_sessions
           WHERE branch_id = ANY($1::text[]) AND starts_at > $2::timestamptz
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

const seed = (n: number): Hash64 => ({ hi: 0, lo: n });
const SEEDS = [seed(1), seed(2), seed(3), seed(4), seed(5), seed(6), seed(7)] as const;

/** FIELDS_HASH_SQL of a desired session: stored as desired, it is scheduled and not detached. */
function fieldsHashOf(s: DesiredSession): string {
  const [title, zone, instructor, room, capacity, status, detached] = SEEDS;
  const parts = [
    hashText(s.title, title),
    hashText(s.timezone, zone),
    s.instructorId === null ? instructor : hashText(s.instructorId, instructor),
    s.roomId === null ? room : hashText(s.roomId, room),
    s.capacity === null ? capacity : hashUint32(s.capacity >>> 0, capacity),
    hashText('scheduled', status),
    hashUint32(0, detached),
  ];
  let hi = 0;
  let lo = 0;
  for (const p of parts) {
    hi ^= p.hi;
    lo ^= p.lo;
  }
  return signedHash({ hi: hi >>> 0, lo: lo >>> 0 }).toString();
}

/** Reused: LINE_HASH_SQL of one desired session at a time (sessionLineHash). */
const line: Hash64 = { hi: 0, lo: 0 };

const TWO_32 = 4_294_967_296;

/**
 * True when the series' sessions that start after `now`, summarized by
 * `digest`, are exactly its desired sessions keyed up to `digest.lastKey`:
 * the same keys, instants and fields. `desired` is sorted by occurrence key
 * (as generated); its instants are whole milliseconds.
 */
export function matchesDigest(desired: readonly DesiredSession[], digest: SeriesDigest): boolean {
  if (digest.fields === null) return false;
  // The sum of the signed 64-bit hashes, as its signed high halves and
  // unsigned low halves summed apart: exact in doubles up to two million sessions.
  let high = 0;
  let low = 0;
  let count = 0;
  let first: DesiredSession | undefined;
  for (const s of desired) {
    if (s.occurrenceKey > digest.lastKey) break;
    if (first === undefined) {
      first = s;
      if (fieldsHashOf(s) !== digest.fields) return false;
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
    // LINE_HASH_SQL; the run's instants are whole milliseconds.
    sessionLineHash(s.startsAt, s.endsAt, s.occurrenceKey, line);
    high += line.hi | 0;
    low += line.lo;
    count++;
  }
  if (count !== digest.count) return false;
  const carried = Math.floor(low / TWO_32);
  return (BigInt(high + carried) * 4_294_967_296n + BigInt(low - carried * TWO_32)).toString() === digest.times;
}
