// Writes one branch's session changes with a handful of bulk statements:
// one DELETE, one cancelling UPDATE, one UPDATE … FROM unnest(…) and one
// INSERT … SELECT FROM unnest(…) per chunk of 10k — never a statement per
// session. Each statement appends the session_events rows of the changes
// it wrote in the same statement (a data-modifying CTE), with the reason
// changeReason() gives. One more query per chunk runs only when some rows
// were refused, to say which and why, and the creates run a second time,
// row by row checked, only when one of them collided with an existing session.
//
// The host application writes booked_count and detached at any time and does
// not take our locks, so every statement re-checks, in its WHERE clause, what
// the plan assumed: a row that no longer qualifies is left alone and returned
// in `skipped`; the next run plans it again from what is then in the database.
//
// Updates, cancels and deletes are compare-and-set on the plan's `before`
// values (every session field the plan saw): another run that wrote the row
// after this plan observed it — a newer plan — is never undone by this older
// one. Such a row is skipped as 'changed-since-plan'.
import { timeOrderedUuid } from './time-ordered-uuid.js';
import type { SessionChange, UpdatableField } from '../core/plan-types.js';
import type { DesiredSession, SessionStatus } from '../core/types.js';
import type { Sql } from './database.js';
import { chunks, sendOverlapped } from './bulk.js';
import { toPgArrayLiteral, toRepeatedTextArrayLiteral } from './pg-array.js';
import { withLiterals } from './sql-literal.js';
import { epochMs, isoFromMs } from './instants.js';
import { changeReason } from '../core/change-reasons.js';
import { CHANGED_FIELDS_JSONB, EVENT_COLUMNS, RETURNED_SESSION_COLUMNS, SESSION_VIEW_JSONB } from './session-event-sql.js';
import { BEFORE_ALIASES, CAS_CONDITION, FROM_EPOCH_MS, UPDATE_COLUMNS, beforeArrays, beforeParams, casFlagParam, changedSincePlan, rowValue, sameValue, type GuardRow } from './session-columns.js';

export type SkipReason =
  | 'session-gone'
  | 'detached'
  | 'started'
  | 'booked'
  | 'already-current'
  | 'conflict'
  | 'changed-since-plan'
  | 'duplicate-in-plan'
  | 'no-session-id';

const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  'session-gone': 'the session was deleted since the plan was made',
  detached: 'the session was detached (edited by a person) since the plan was made; it is never touched',
  started: 'the session has started; a started session is history and never changed',
  booked: 'the session was booked since the plan was made, so it is not deleted; the next run applies the removal policy for booked sessions',
  'already-current': 'the session already has these values; nothing was written',
  conflict: 'a session for this series and occurrence already exists (created by another run); the next run compares it',
  'changed-since-plan':
    'the session was changed by another run or the host application after this plan observed it; this older plan does not overwrite it, and the next run plans it again from its new values',
  'duplicate-in-plan': 'the plan holds this change twice; it was applied once',
  'no-session-id': 'the change names no existing session',
};

export function describeSkipReason(reason: SkipReason): string {
  return SKIP_REASON_TEXT[reason];
}

export interface SkippedSessionChange {
  sessionId: string | null;
  occurrenceKey: string;
  seriesId: string;
  reason: SkipReason;
}

export interface SessionWriteResult {
  created: number;
  updated: number;
  deleted: number;
  cancelled: number;
  skipped: SkippedSessionChange[];
}

function skip(c: SessionChange, reason: SkipReason): SkippedSessionChange {
  return { sessionId: c.sessionId, occurrenceKey: c.occurrenceKey, seriesId: c.seriesId, reason };
}

/**
 * Applies `changes` in the caller's transaction. `nowMs` is the run's logical
 * instant, against which "has started" is decided; `created_at`/`updated_at`
 * are audit columns and take the database clock (`now()`, the transaction's
 * start), so they never go backwards and are true under `simulate` too.
 * `fastCreates`: see createAll (the caller must handle CreatesCollided).
 * `runId`: the run whose history events these changes are (null outside a run).
 */
export async function writeSessionChanges(
  tx: Sql,
  changes: SessionChange[],
  nowMs: number,
  opts: { fastCreates?: boolean; runId?: string | null } = {},
): Promise<SessionWriteResult> {
  const result: SessionWriteResult = { created: 0, updated: 0, deleted: 0, cancelled: 0, skipped: [] };
  const now = isoFromMs(nowMs);
  const runId = opts.runId ?? null;
  const byAction: Record<SessionChange['action'], SessionChange[]> = { create: [], update: [], delete: [], cancel: [] };
  const seenSessions = new Set<string>();
  const seenKeys = new Map<string, Set<string>>(); // series → occurrence keys
  for (const c of changes) {
    if (c.action === 'create') {
      let keys = seenKeys.get(c.seriesId);
      if (!keys) seenKeys.set(c.seriesId, (keys = new Set()));
      if (keys.has(c.occurrenceKey)) {
        result.skipped.push(skip(c, 'duplicate-in-plan'));
      } else {
        keys.add(c.occurrenceKey);
        byAction.create.push(c);
      }
    } else if (!c.sessionId) {
      result.skipped.push(skip(c, 'no-session-id'));
    } else if (seenSessions.has(c.sessionId)) {
      result.skipped.push(skip(c, 'duplicate-in-plan'));
    } else {
      seenSessions.add(c.sessionId);
      byAction[c.action].push(c);
    }
  }
  // Removals first, so that a key freed in this transaction can be taken again.
  const { skipped } = result;
  result.deleted = await sendOverlapped(chunks(byAction.delete), (part) => deleteSessions(tx, part, now, runId, skipped));
  result.cancelled = await sendOverlapped(chunks(byAction.cancel), (part) => cancelSessions(tx, part, now, runId, skipped));
  result.updated = await sendOverlapped(chunks(byAction.update), (part) => updateSessions(tx, part, now, runId, skipped));
  result.created = await createAll(tx, byAction.create, runId, skipped, opts.fastCreates === true);
  return result;
}

/** Explains, with one query, why rows a guarded statement left alone did not match. */
async function explainUnmatched(
  tx: Sql,
  part: SessionChange[],
  matched: Set<string>,
  now: string,
  otherwise: (row: GuardRow, c: SessionChange) => SkipReason,
  skipped: SkippedSessionChange[],
): Promise<void> {
  // uuid text from the database is lower case; a plan may carry any case.
  const missed = part.filter((c) => !matched.has(c.sessionId!.toLowerCase()));
  if (missed.length === 0) return;
  const rows = await tx.query<GuardRow>(
    `SELECT id::text AS id, detached, starts_at <= $2::timestamptz AS started, booked_count, status,
            title, (extract(epoch FROM starts_at) * 1000)::float8 AS starts_ms, (extract(epoch FROM ends_at) * 1000)::float8 AS ends_ms,
            timezone, instructor_id, room_id, capacity
       FROM class_sessions WHERE id = ANY($1::uuid[])`,
    [missed.map((c) => c.sessionId), now],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const c of missed) {
    const row = byId.get(c.sessionId!.toLowerCase());
    const reason: SkipReason = !row ? 'session-gone' : row.detached ? 'detached' : row.started ? 'started' : otherwise(row, c);
    skipped.push(skip(c, reason));
  }
}

/** The per-row reasons and the run id, the last two parameters of a removal statement. */
const REASON_PARAM = 3 + UPDATE_COLUMNS.length + 1;
const RUN_PARAM = REASON_PARAM + 1;
const reasonParams = (part: SessionChange[], runId: string | null) => [part.map(changeReason), runId];

async function deleteSessions(tx: Sql, part: SessionChange[], now: string, runId: string | null, skipped: SkippedSessionChange[]): Promise<number> {
  const rows = await tx.query<{ id: string }>(
    `WITH gone AS (
       DELETE FROM class_sessions AS s
        USING unnest($1::uuid[], ${beforeArrays(3)}, ${casFlagParam(3)}, $${REASON_PARAM}::text[]) AS u(id, ${BEFORE_ALIASES}, cas, reason)
        WHERE s.id = u.id AND s.booked_count = 0 AND NOT s.detached AND s.starts_at > $2::timestamptz AND ${CAS_CONDITION}
        RETURNING ${RETURNED_SESSION_COLUMNS('s')}, u.reason
     ), logged AS (
       INSERT INTO session_events (${EVENT_COLUMNS})
       SELECT $${RUN_PARAM}::bigint, g.branch_id, g.series_id, g.occurrence_key, g.id, 'delete', g.booked_count, g.reason, ${SESSION_VIEW_JSONB('g')}, NULL FROM gone AS g
     )
     SELECT id::text AS id FROM gone`,
    [part.map((c) => c.sessionId), now, ...beforeParams(part), ...reasonParams(part, runId)],
  );
  await explainUnmatched(tx, part, new Set(rows.map((r) => r.id)), now, (r, c) => (r.booked_count > 0 ? 'booked' : changedSincePlan(r, c) ? 'changed-since-plan' : 'session-gone'), skipped);
  return rows.length;
}

async function cancelSessions(tx: Sql, part: SessionChange[], now: string, runId: string | null, skipped: SkippedSessionChange[]): Promise<number> {
  // Only a row not yet cancelled qualifies, and status is scheduled or
  // cancelled (a check constraint): the status before was 'scheduled'.
  const rows = await tx.query<{ id: string }>(
    `WITH cancelled AS (
       UPDATE class_sessions AS s SET status = 'cancelled', updated_at = now()
         FROM unnest($1::uuid[], ${beforeArrays(3)}, ${casFlagParam(3)}, $${REASON_PARAM}::text[]) AS u(id, ${BEFORE_ALIASES}, cas, reason)
        WHERE s.id = u.id AND NOT s.detached AND s.starts_at > $2::timestamptz AND s.status <> 'cancelled' AND ${CAS_CONDITION}
        RETURNING ${RETURNED_SESSION_COLUMNS('s')}, u.reason
     ), logged AS (
       INSERT INTO session_events (${EVENT_COLUMNS})
       SELECT $${RUN_PARAM}::bigint, c.branch_id, c.series_id, c.occurrence_key, c.id, 'cancel', c.booked_count, c.reason,
              jsonb_build_object('status', 'scheduled'), jsonb_build_object('status', c.status) FROM cancelled AS c
     )
     SELECT id::text AS id FROM cancelled`,
    [part.map((c) => c.sessionId), now, ...beforeParams(part), ...reasonParams(part, runId)],
  );
  await explainUnmatched(tx, part, new Set(rows.map((r) => r.id)), now, (r, c) => (r.status === 'cancelled' ? 'already-current' : changedSincePlan(r, c) ? 'changed-since-plan' : 'already-current'), skipped);
  return rows.length;
}

const newValue = (c: (typeof UPDATE_COLUMNS)[number]) => (c.instant ? FROM_EPOCH_MS(`u.${c.column}`) : `u.${c.column}`);
const N = UPDATE_COLUMNS.length;
// $1 ids, $2..$(N+1) values, $(N+2)..$(2N+1) "set this column" flags, $(2N+2) now,
// $(2N+3)..$(3N+2) the plan's before values, $(3N+3) "compare before" flags,
// $(3N+4) the reasons, $(3N+5) the run id.
// `o` is the same row as the statement's snapshot saw it, before the update:
// the event's `before` (the branch lock keeps other runs off the row, and the
// host application writes only booked_count and detached).
const UPDATE_SQL = `
  WITH updated AS (
  UPDATE class_sessions AS s SET
    ${UPDATE_COLUMNS.map((c) => `${c.column} = CASE WHEN u.set_${c.column} THEN ${newValue(c)} ELSE s.${c.column} END`).join(',\n    ')},
    updated_at = now()
  FROM unnest(
    $1::uuid[],
    ${UPDATE_COLUMNS.map((c, i) => `$${i + 2}::${c.type}[]`).join(', ')},
    ${UPDATE_COLUMNS.map((_, i) => `$${i + N + 2}::bool[]`).join(', ')},
    ${beforeArrays(2 * N + 3)}, ${casFlagParam(2 * N + 3)}, $${3 * N + 4}::text[]
  ) AS u(id, ${UPDATE_COLUMNS.map((c) => c.column).join(', ')}, ${UPDATE_COLUMNS.map((c) => `set_${c.column}`).join(', ')}, ${BEFORE_ALIASES}, cas, reason)
  JOIN class_sessions AS o ON o.id = u.id
  WHERE s.id = u.id AND NOT s.detached AND s.starts_at > $${2 * N + 2}::timestamptz AND ${CAS_CONDITION}
    AND (${UPDATE_COLUMNS.map((c) => `(u.set_${c.column} AND s.${c.column} IS DISTINCT FROM ${newValue(c)})`).join('\n      OR ')})
  RETURNING s.id, s.branch_id, s.series_id, s.occurrence_key, s.booked_count, u.reason,
            ${CHANGED_FIELDS_JSONB('o', 'u')} AS before, ${CHANGED_FIELDS_JSONB('s', 'u')} AS after
  ), logged AS (
    INSERT INTO session_events (${EVENT_COLUMNS})
    SELECT $${3 * N + 5}::bigint, x.branch_id, x.series_id, x.occurrence_key, x.id, 'update', x.booked_count, x.reason, x.before, x.after FROM updated AS x
  )
  SELECT id::text AS id FROM updated`;

/** The new value of one field: from the desired session, else from the plan's `after` view. */
function updateValue(c: SessionChange, field: UpdatableField): string | number | null {
  const d = c.desired;
  const a = c.after;
  switch (field) {
    case 'startsAt':
      return d ? epochMs(d.startsAt) : a ? epochMs(Date.parse(a.startsAt)) : null;
    case 'endsAt':
      return d ? epochMs(d.endsAt) : a ? epochMs(Date.parse(a.endsAt)) : null;
    case 'status':
      // A desired session is scheduled: a cancelled one desired again is rescheduled.
      return a?.status ?? 'scheduled';
    default:
      if (d) return d[field];
      if (a) return a[field];
      throw new TypeError(`update of ${c.seriesId}/${c.occurrenceKey} carries neither desired nor after values`);
  }
}

async function updateSessions(tx: Sql, part: SessionChange[], now: string, runId: string | null, skipped: SkippedSessionChange[]): Promise<number> {
  const values: unknown[][] = UPDATE_COLUMNS.map(() => []);
  const flags: boolean[][] = UPDATE_COLUMNS.map(() => []);
  const issued: SessionChange[] = [];
  for (const c of part) {
    const fields = new Set(c.fields ?? []);
    if (fields.size === 0) {
      skipped.push(skip(c, 'already-current'));
      continue;
    }
    issued.push(c);
    UPDATE_COLUMNS.forEach((col, i) => {
      const set = fields.has(col.field);
      flags[i]!.push(set);
      values[i]!.push(set ? updateValue(c, col.field) : null);
    });
  }
  if (issued.length === 0) return 0;
  const rows = await tx.query<{ id: string }>(UPDATE_SQL, [issued.map((c) => c.sessionId), ...values, ...flags, now, ...beforeParams(issued), issued.map(changeReason), runId]);
  // Not matched: the row already has the new values, or it changed since the plan.
  const alreadyCurrent = (r: GuardRow, c: SessionChange) =>
    (c.fields ?? []).every((f) => sameValue(UPDATE_COLUMNS.find((col) => col.field === f)!, rowValue(r, f), updateValue(c, f)));
  await explainUnmatched(tx, issued, new Set(rows.map((r) => r.id)), now, (r, c) => (alreadyCurrent(r, c) ? 'already-current' : changedSincePlan(r, c) ? 'changed-since-plan' : 'already-current'), skipped);
  return rows.length;
}

// The ids are made here (time-ordered: see time-ordered-uuid.ts)
// so that the statement needs to return only a count: which rows hit an existing
// (series_id, occurrence_key) is asked afterwards, and only when the count is
// short. Returning every inserted key to compute the conflicts in the same
// statement measured about twice as slow.
const INSERT_COLUMNS = `INSERT INTO class_sessions (id, series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone,
                                instructor_id, room_id, capacity, status, detached, booked_count, created_at, updated_at)`;
const INSERT_ROWS = `
    SELECT t.id, t.series_id, t.branch_id, t.occurrence_key, t.title, ${FROM_EPOCH_MS('t.starts_ms')}, ${FROM_EPOCH_MS('t.ends_ms')},
           t.timezone, t.instructor_id, t.room_id, t.capacity, 'scheduled', false, 0, now(), now()
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[],
                  $8::text[], $9::text[], $10::text[], $11::int[])
        AS t(id, series_id, branch_id, occurrence_key, title, starts_ms, ends_ms, timezone, instructor_id, room_id, capacity)`;

// Every create has the same reason (changeReason), sent once as $12; $13 is the run id.
// The creates of one series are one event row, their sessions in arrays
// (see the session_events table): a row per created session made a chain's
// first apply more than twice as slow.
const CREATED_COLUMNS = 'class_sessions.id, class_sessions.branch_id, class_sessions.series_id, class_sessions.occurrence_key, class_sessions.starts_at';
const LOG_CREATES = `
  logged AS (
    INSERT INTO session_events (run_id, branch_id, series_id, kind, booked_count, reason, occurrence_keys, session_ids, starts_ats)
    SELECT $13::bigint, i.branch_id, i.series_id, 'create', 0, $12::text,
           array_agg(i.occurrence_key ORDER BY i.occurrence_key), array_agg(i.id ORDER BY i.occurrence_key), array_agg(i.starts_at ORDER BY i.occurrence_key)
      FROM inserted AS i GROUP BY i.branch_id, i.series_id
  )`;

/** The fast path: every row is new, or the statement fails with unique_violation. */
const CREATE_ALL_SQL = `
  WITH inserted AS (
    ${INSERT_COLUMNS} ${INSERT_ROWS}
    RETURNING ${CREATED_COLUMNS}
  ), ${LOG_CREATES}
  SELECT 1 WHERE false`;

/** The careful path: rows that collide with an existing session are left out and counted. */
const CREATE_SQL = `
  WITH inserted AS (
    ${INSERT_COLUMNS} ${INSERT_ROWS}
    ON CONFLICT (series_id, occurrence_key) DO NOTHING
    RETURNING ${CREATED_COLUMNS}
  ), ${LOG_CREATES}
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

async function createAll(tx: Sql, creates: SessionChange[], runId: string | null, skipped: SkippedSessionChange[], fast: boolean): Promise<number> {
  if (creates.length === 0) return 0;
  // Parameters are encoded when their chunk is sent, while the database
  // works on the one before.
  const parts = chunks(creates);
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

async function createCarefully(tx: Sql, part: SessionChange[], params: unknown[], skipped: SkippedSessionChange[]): Promise<number> {
  const [r] = await tx.query<{ created: number }>(CREATE_SQL, params);
  const created = r!.created;
  if (created < part.length) {
    const missing = await tx.query<{ ord: number }>(NOT_INSERTED_SQL, [params[0]]);
    for (const { ord } of missing) skipped.push(skip(part[ord - 1]!, 'conflict'));
  }
  return created;
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
    text((d) => d.branchId),
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
  ];
}
