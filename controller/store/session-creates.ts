// Creating a branch's new sessions with bulk INSERT … SELECT FROM unnest(…),
// each statement also writing the history rows of what it created.
import { timeOrderedUuid } from './time-ordered-uuid.js';
import type { SessionChange } from '../core/plan-types.js';
import type { DesiredSession } from '../core/types.js';
import type { Sql } from './database.js';
import { chunks, sendOverlapped } from './bulk.js';
import { toPgArrayLiteral, toRepeatedTextArrayLiteral } from './pg-array.js';
import { withLiterals } from './sql-literal.js';
import { epochMs } from './instants.js';
import { changeReason } from '../core/change-reasons.js';
import { FROM_EPOCH_MS } from './session-columns.js';
import { skip, type SkippedSessionChange } from './session-skips.js';

// The ids are made here (time-ordered: see time-ordered-uuid.ts)
// so that the statement needs to return only a count: which rows hit an existing
// (series_id, occurrence_key) is asked afterwards, and only when the count is
// short. Returning every inserted key to compute the conflicts in the same
// statement measured about twice as slow.
const INSERT_COLUMNS = `INSERT INTO class_sessions (id, series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone,
                                instructor_id, room_id, capacity, status, detached, booked_count, created_at, updated_at)`;

// The parameters, one array per column (createParams): $1 ids, $2 series
// ids, $3 occurrence keys, $4 titles, $5 starts and $6 ends (epoch ms), $7
// zones, $8 instructors, $9 rooms, $10 capacities. Every create has the same
// reason (changeReason), sent once as $11; $12 is the run id and $13 the
// branch, the same for every row of a statement (see branchChunks). The four
// arrays the history row uses too are named once (`sent`): a small write
// carries its values as literals, and each one written twice was sent, and
// parsed, twice (a quarter of a day roll's bytes).
const SENT = `sent AS (SELECT $1::uuid[] AS ids, $2::text[] AS series_ids, $3::text[] AS keys, $5::float8[] AS starts)`;
const INSERT_ROWS = `
    SELECT t.id, t.series_id, $13::text, t.occurrence_key, t.title, ${FROM_EPOCH_MS('t.starts_ms')}, ${FROM_EPOCH_MS('t.ends_ms')},
           t.timezone, t.instructor_id, t.room_id, t.capacity, 'scheduled', false, 0, now(), now()
      FROM sent, unnest(sent.ids, sent.series_ids, sent.keys, $4::text[], sent.starts, $6::float8[],
                        $7::text[], $8::text[], $9::text[], $10::int[])
        AS t(id, series_id, occurrence_key, title, starts_ms, ends_ms, timezone, instructor_id, room_id, capacity)`;

// A statement's creates (one branch's, up to a chunk) are one event row: their
// series, occurrence keys, session ids and starts in four arrays (see the
// session_events table). A row per created session made a chain's first
// apply more than twice as slow, and a row per series doubled a day roll's
// time, which creates about one session per series.
const EVENT_INSERT = `INSERT INTO session_events (run_id, branch_id, kind, booked_count, reason, series_ids, occurrence_keys, session_ids, starts_ats)`;

/**
 * The fast path: every row is new, or the statement fails with
 * unique_violation. The event row is made from the statement's own arrays
 * (the sessions it inserts are exactly those), in the order they were sent,
 * rather than gathered and sorted from what the insert returns.
 */
const CREATE_ALL_SQL = `
  WITH ${SENT}, inserted AS (
    ${INSERT_COLUMNS} ${INSERT_ROWS}
  )
  ${EVENT_INSERT}
  SELECT $12::bigint, $13::text, 'create', 0, $11::text, sent.series_ids, sent.keys, sent.ids,
         ARRAY(SELECT ${FROM_EPOCH_MS('s.ms')} FROM unnest(sent.starts) WITH ORDINALITY AS s(ms, n) ORDER BY s.n)
    FROM sent`;

/** The careful path: rows that collide with an existing session are left out and counted. */
const CREATE_SQL = `
  WITH ${SENT}, inserted AS (
    ${INSERT_COLUMNS} ${INSERT_ROWS}
    ON CONFLICT (series_id, occurrence_key) DO NOTHING
    RETURNING class_sessions.id, class_sessions.series_id, class_sessions.occurrence_key, class_sessions.starts_at
  ), logged AS (
    ${EVENT_INSERT}
    SELECT $12::bigint, $13::text, 'create', 0, $11::text,
           array_agg(i.series_id ORDER BY i.series_id, i.occurrence_key), array_agg(i.occurrence_key ORDER BY i.series_id, i.occurrence_key),
           array_agg(i.id ORDER BY i.series_id, i.occurrence_key), array_agg(i.starts_at ORDER BY i.series_id, i.occurrence_key)
      FROM inserted AS i HAVING count(*) > 0
  )
  SELECT count(*)::int AS created FROM inserted`;

const NOT_INSERTED_SQL = `
  SELECT u.ord::int AS ord
    FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, ord)
   WHERE NOT EXISTS (SELECT 1 FROM class_sessions AS s WHERE s.id = u.id)
   ORDER BY u.ord`;

const UNIQUE_VIOLATION = '23505';

/**
 * Thrown by writeSessionChanges with `fastCreates` when a create hit an
 * existing session: the transaction is aborted, and the caller runs it again
 * without `fastCreates`, which skips and reports each collision.
 */
export class CreatesCollided extends Error {
  constructor(cause: unknown) {
    super('a created session already exists; write the branch again with conflict checks', { cause });
    this.name = 'CreatesCollided';
  }
}

/**
 * Creates normally collide with nothing: the branch is locked and the plan
 * was made from what the branch has. With `fast`, they are sent as plain
 * INSERTs — `ON CONFLICT` (a speculative insertion, with one more WAL record
 * per row) cost the database 12–15% more per row, measured here — and a
 * collision aborts the transaction (CreatesCollided). Otherwise each
 * collision is skipped and reported ('conflict').
 */
/** Creates up to this many go as a statement with literal values. */
const LITERAL_INSERT_ROWS = 500;

export async function createAll(tx: Sql, creates: SessionChange[], runId: string | null, skipped: SkippedSessionChange[], fast: boolean): Promise<number> {
  if (creates.length === 0) return 0;
  // Parameters are encoded when their chunk is sent, while the database
  // works on the one before.
  const parts = branchChunks(creates);
  if (!fast) return sendOverlapped(parts, (part) => createCarefully(tx, part, createParams(part, runId), skipped));
  try {
    return await sendOverlapped(parts, async (part) => {
      // A small insert (a day roll's ~44 rows) goes with literal values: one
      // round trip instead of two, and the branch's records are pipelined
      // behind it (sql-literal.ts). Large ones keep parameters.
      if (part.length <= LITERAL_INSERT_ROWS) await tx.query(withLiterals(CREATE_ALL_SQL, createParams(part, runId)));
      else await tx.query(CREATE_ALL_SQL, createParams(part, runId));
      return part.length;
    });
  } catch (err) {
    if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) throw new CreatesCollided(err);
    throw err;
  }
}

/**
 * A small branch's creates (distinct, every one new, at most
 * LITERAL_INSERT_ROWS of one branch) as one statement with literal values,
 * for a transaction script; null when they are more. A collision fails the
 * script with unique_violation (23505), and the caller writes the branch
 * again with checks.
 */
export function createAllStatement(creates: SessionChange[], runId: string | null): string | null {
  if (creates.length === 0 || creates.length > LITERAL_INSERT_ROWS) return null;
  const branchId = creates[0]!.desired?.branchId;
  if (creates.some((c) => c.desired?.branchId !== branchId)) return null;
  return withLiterals(CREATE_ALL_SQL, createParams(creates, runId));
}

/** A transaction script that failed on a created session that already exists. */
export const isCreateCollision = (err: unknown) => (err as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;

async function createCarefully(tx: Sql, part: SessionChange[], params: unknown[], skipped: SkippedSessionChange[]): Promise<number> {
  const [r] = await tx.query<{ created: number }>(CREATE_SQL, params);
  const created = r!.created;
  if (created < part.length) {
    const missing = await tx.query<{ ord: number }>(NOT_INSERTED_SQL, [params[0]]);
    for (const { ord } of missing) skipped.push(skip(part[ord - 1]!, 'conflict'));
  }
  return created;
}

/** The creates in chunks of one branch each: a statement's creates are one event row of its branch. */
function branchChunks(creates: SessionChange[]): SessionChange[][] {
  const first = creates[0]!.desired?.branchId;
  let oneBranch = true;
  for (const c of creates) if (c.desired?.branchId !== first) (oneBranch = false);
  if (oneBranch) return chunks(creates); // a branch write's: the usual case
  const byBranch = new Map<string, SessionChange[]>();
  for (const c of creates) {
    const branchId = c.desired?.branchId ?? '';
    let list = byBranch.get(branchId);
    if (!list) byBranch.set(branchId, (list = []));
    list.push(c);
  }
  return [...byBranch.values()].flatMap((list) => chunks(list));
}

/**
 * The statement's parameters, each column already as its array literal.
 * Encoding 240k rows element by element was a visible share of a bulk
 * create; most text columns repeat a few values (a series' id, title, zone,
 * instructor and room are the same for all its sessions), so each distinct
 * value is encoded once.
 */
function createParams(part: SessionChange[], runId: string | null): unknown[] {
  const desired = part.map((c) => {
    if (!c.desired) throw new TypeError(`create of ${c.seriesId}/${c.occurrenceKey} carries no desired session`);
    return c.desired;
  });
  const text = (field: (d: DesiredSession) => string | null) => toRepeatedTextArrayLiteral(desired.map(field));
  return [
    `{${desired.map(() => timeOrderedUuid()).join(',')}}`, // uuids need no quoting
    text((d) => d.seriesId),
    text((d) => d.occurrenceKey),
    text((d) => d.title),
    toPgArrayLiteral(desired.map((d) => epochMs(d.startsAt))),
    toPgArrayLiteral(desired.map((d) => epochMs(d.endsAt))),
    text((d) => d.timezone),
    text((d) => d.instructorId),
    text((d) => d.roomId),
    toPgArrayLiteral(desired.map((d) => d.capacity)),
    changeReason(part[0]!),
    runId,
    desired[0]!.branchId,
  ];
}
