// Writes one branch's session changes with a handful of bulk statements:
// one DELETE, one cancelling UPDATE, one UPDATE … FROM unnest(…) and one
// INSERT … SELECT FROM unnest(…) per chunk of 10k — never a statement per
// session. One more query per chunk runs only when some rows were refused,
// to say which and why.
//
// The host application writes booked_count and detached at any time and does
// not take our locks, so every statement re-checks, in its WHERE clause, what
// the plan assumed: a row that no longer qualifies is left alone and returned
// in `skipped`; the next run plans it again from what is then in the database.
import { randomUUID } from 'node:crypto';
import type { SessionChange, UpdatableField } from '../core/plan-types.js';
import type { SessionStatus } from '../core/types.js';
import type { Sql } from './database.js';
import { chunks, sendOverlapped } from './bulk.js';
import { epochMs, isoFromMs } from './instants.js';

export type SkipReason =
  | 'session-gone'
  | 'detached'
  | 'started'
  | 'booked'
  | 'already-current'
  | 'conflict'
  | 'duplicate-in-plan'
  | 'no-session-id';

const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  'session-gone': 'the session was deleted since the plan was made',
  detached: 'the session was detached (edited by a person) since the plan was made; it is never touched',
  started: 'the session has started; a started session is history and never changed',
  booked: 'the session was booked since the plan was made, so it is not deleted; the next run applies the removal policy for booked sessions',
  'already-current': 'the session already has these values; nothing was written',
  conflict: 'a session for this series and occurrence already exists (created by another run); the next run compares it',
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
 * Applies `changes` in the caller's transaction. `created_at`/`updated_at`
 * are the run's `now`, so a simulated run writes the same bytes every time.
 */
export async function writeSessionChanges(tx: Sql, changes: SessionChange[], nowMs: number): Promise<SessionWriteResult> {
  const result: SessionWriteResult = { created: 0, updated: 0, deleted: 0, cancelled: 0, skipped: [] };
  const now = isoFromMs(nowMs);
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
  result.deleted = await sendOverlapped(chunks(byAction.delete), (part) => deleteSessions(tx, part, now, skipped));
  result.cancelled = await sendOverlapped(chunks(byAction.cancel), (part) => cancelSessions(tx, part, now, skipped));
  result.updated = await sendOverlapped(chunks(byAction.update), (part) => updateSessions(tx, part, now, skipped));
  result.created = await sendOverlapped(chunks(byAction.create), (part) => createSessions(tx, part, now, skipped));
  return result;
}

/** Explains, with one query, why rows a guarded statement left alone did not match. */
async function explainUnmatched(
  tx: Sql,
  part: SessionChange[],
  matched: Set<string>,
  now: string,
  otherwise: (row: GuardRow) => SkipReason,
  skipped: SkippedSessionChange[],
): Promise<void> {
  // uuid text from the database is lower case; a plan may carry any case.
  const missed = part.filter((c) => !matched.has(c.sessionId!.toLowerCase()));
  if (missed.length === 0) return;
  const rows = await tx.query<GuardRow>(
    `SELECT id::text AS id, detached, starts_at <= $2::timestamptz AS started, booked_count, status
       FROM class_sessions WHERE id = ANY($1::uuid[])`,
    [missed.map((c) => c.sessionId), now],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const c of missed) {
    const row = byId.get(c.sessionId!.toLowerCase());
    const reason: SkipReason = !row ? 'session-gone' : row.detached ? 'detached' : row.started ? 'started' : otherwise(row);
    skipped.push(skip(c, reason));
  }
}

interface GuardRow {
  id: string;
  detached: boolean;
  started: boolean;
  booked_count: number;
  status: SessionStatus;
}

async function deleteSessions(tx: Sql, part: SessionChange[], now: string, skipped: SkippedSessionChange[]): Promise<number> {
  const rows = await tx.query<{ id: string }>(
    `DELETE FROM class_sessions
      WHERE id = ANY($1::uuid[]) AND booked_count = 0 AND NOT detached AND starts_at > $2::timestamptz
      RETURNING id::text AS id`,
    [part.map((c) => c.sessionId), now],
  );
  await explainUnmatched(tx, part, new Set(rows.map((r) => r.id)), now, (r) => (r.booked_count > 0 ? 'booked' : 'session-gone'), skipped);
  return rows.length;
}

async function cancelSessions(tx: Sql, part: SessionChange[], now: string, skipped: SkippedSessionChange[]): Promise<number> {
  const rows = await tx.query<{ id: string }>(
    `UPDATE class_sessions SET status = 'cancelled', updated_at = $2::timestamptz
      WHERE id = ANY($1::uuid[]) AND NOT detached AND starts_at > $2::timestamptz AND status <> 'cancelled'
      RETURNING id::text AS id`,
    [part.map((c) => c.sessionId), now],
  );
  await explainUnmatched(tx, part, new Set(rows.map((r) => r.id)), now, () => 'already-current', skipped);
  return rows.length;
}

// Instants travel as epoch milliseconds (float8, exact for ms) and become
// timestamptz in the database: converting 2 × 240k values to ISO text here
// was the largest share of this process's work for a bulk create.
const FROM_EPOCH_MS = (expr: string) => `to_timestamp(${expr} / 1000)`;

// The updatable columns, in the order of the unnest arrays below.
const UPDATE_COLUMNS: Array<{ field: UpdatableField; column: string; type: string; instant?: true }> = [
  { field: 'title', column: 'title', type: 'text' },
  { field: 'startsAt', column: 'starts_at', type: 'float8', instant: true },
  { field: 'endsAt', column: 'ends_at', type: 'float8', instant: true },
  { field: 'timezone', column: 'timezone', type: 'text' },
  { field: 'instructorId', column: 'instructor_id', type: 'text' },
  { field: 'roomId', column: 'room_id', type: 'text' },
  { field: 'capacity', column: 'capacity', type: 'int' },
  { field: 'status', column: 'status', type: 'text' },
];

const newValue = (c: (typeof UPDATE_COLUMNS)[number]) => (c.instant ? FROM_EPOCH_MS(`u.${c.column}`) : `u.${c.column}`);
const N = UPDATE_COLUMNS.length;
// $1 ids, $2..$(N+1) values, $(N+2)..$(2N+1) "set this column" flags, $(2N+2) now.
const UPDATE_SQL = `
  UPDATE class_sessions AS s SET
    ${UPDATE_COLUMNS.map((c) => `${c.column} = CASE WHEN u.set_${c.column} THEN ${newValue(c)} ELSE s.${c.column} END`).join(',\n    ')},
    updated_at = $${2 * N + 2}::timestamptz
  FROM unnest(
    $1::uuid[],
    ${UPDATE_COLUMNS.map((c, i) => `$${i + 2}::${c.type}[]`).join(', ')},
    ${UPDATE_COLUMNS.map((_, i) => `$${i + N + 2}::bool[]`).join(', ')}
  ) AS u(id, ${UPDATE_COLUMNS.map((c) => c.column).join(', ')}, ${UPDATE_COLUMNS.map((c) => `set_${c.column}`).join(', ')})
  WHERE s.id = u.id AND NOT s.detached AND s.starts_at > $${2 * N + 2}::timestamptz
    AND (${UPDATE_COLUMNS.map((c) => `(u.set_${c.column} AND s.${c.column} IS DISTINCT FROM ${newValue(c)})`).join('\n      OR ')})
  RETURNING s.id::text AS id`;

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

async function updateSessions(tx: Sql, part: SessionChange[], now: string, skipped: SkippedSessionChange[]): Promise<number> {
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
  const rows = await tx.query<{ id: string }>(UPDATE_SQL, [issued.map((c) => c.sessionId), ...values, ...flags, now]);
  await explainUnmatched(tx, issued, new Set(rows.map((r) => r.id)), now, () => 'already-current', skipped);
  return rows.length;
}

// The ids are made here (random v4 UUIDs, as gen_random_uuid() would make them)
// so that the statement needs to return only a count: which rows hit an existing
// (series_id, occurrence_key) is asked afterwards, and only when the count is
// short. Returning every inserted key to compute the conflicts in the same
// statement measured about twice as slow.
const CREATE_SQL = `
  WITH inserted AS (
    INSERT INTO class_sessions (id, series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone,
                                instructor_id, room_id, capacity, status, detached, booked_count, created_at, updated_at)
    SELECT t.id, t.series_id, t.branch_id, t.occurrence_key, t.title, ${FROM_EPOCH_MS('t.starts_ms')}, ${FROM_EPOCH_MS('t.ends_ms')},
           t.timezone, t.instructor_id, t.room_id, t.capacity, 'scheduled', false, 0, $12::timestamptz, $12::timestamptz
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[],
                  $8::text[], $9::text[], $10::text[], $11::int[])
        AS t(id, series_id, branch_id, occurrence_key, title, starts_ms, ends_ms, timezone, instructor_id, room_id, capacity)
    ON CONFLICT (series_id, occurrence_key) DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::int AS created FROM inserted`;

const NOT_INSERTED_SQL = `
  SELECT u.ord::int AS ord
    FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, ord)
   WHERE NOT EXISTS (SELECT 1 FROM class_sessions AS s WHERE s.id = u.id)
   ORDER BY u.ord`;

async function createSessions(tx: Sql, part: SessionChange[], now: string, skipped: SkippedSessionChange[]): Promise<number> {
  const cols: unknown[][] = Array.from({ length: 11 }, () => []);
  for (const c of part) {
    const d = c.desired;
    if (!d) throw new TypeError(`create of ${c.seriesId}/${c.occurrenceKey} carries no desired session`);
    const row = [randomUUID(), d.seriesId, d.branchId, d.occurrenceKey, d.title, epochMs(d.startsAt), epochMs(d.endsAt), d.timezone, d.instructorId, d.roomId, d.capacity];
    for (let i = 0; i < row.length; i++) cols[i]!.push(row[i]);
  }
  const [r] = await tx.query<{ created: number }>(CREATE_SQL, [...cols, now]);
  const created = r!.created;
  if (created < part.length) {
    const missing = await tx.query<{ ord: number }>(NOT_INSERTED_SQL, [cols[0]]);
    for (const { ord } of missing) skipped.push(skip(part[ord - 1]!, 'conflict'));
  }
  return created;
}
