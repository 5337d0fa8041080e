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
import type { SessionChange, UpdatableField } from '../core/plan-types.js';
import type { Sql } from './database.js';
import { chunks, sendOverlapped } from './bulk.js';
import { epochMs, isoFromMs } from './instants.js';
import { changeReason } from '../core/change-reasons.js';
import { CHANGED_FIELDS_JSONB, EVENT_COLUMNS, RETURNED_SESSION_COLUMNS, SESSION_VIEW_JSONB } from './session-event-sql.js';
import { BEFORE_ALIASES, CAS_CONDITION, FROM_EPOCH_MS, UPDATE_COLUMNS, beforeArrays, beforeParams, casFlagParam, changedSincePlan, rowValue, sameValue, type GuardRow } from './session-columns.js';
import { createAll } from './session-creates.js';
import { describeSkipReason, skip, type SkipReason, type SkippedSessionChange } from './session-skips.js';

export { CreatesCollided } from './session-creates.js';
export { describeSkipReason, type SkipReason, type SkippedSessionChange };

export interface SessionWriteResult {
  created: number;
  updated: number;
  deleted: number;
  cancelled: number;
  skipped: SkippedSessionChange[];
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
