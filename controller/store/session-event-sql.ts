// SQL pieces that append session_events rows from inside the statement that
// writes the change (a data-modifying CTE): the event exists exactly when the
// change does. Field names in before/after are the plan's (SessionView), and
// instants are ISO UTC text, as a plan shows them.
import { UPDATE_COLUMNS } from './session-columns.js';

/** A timestamptz as ISO UTC text with milliseconds, whatever the session's TimeZone. */
export const ISO_UTC = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** One updatable column of row `alias` as a jsonb value (instants as ISO text). */
const fieldValue = (alias: string, c: (typeof UPDATE_COLUMNS)[number]) => (c.instant ? `to_jsonb(${ISO_UTC(`${alias}.${c.column}`)})` : `to_jsonb(${alias}.${c.column})`);

/** Every session field of row `alias` as one jsonb object. */
export const SESSION_VIEW_JSONB = (alias: string) =>
  `jsonb_build_object(${UPDATE_COLUMNS.map((c) => `'${c.field}', ${fieldValue(alias, c)}`).join(', ')})`;

/** Only the fields whose `set_<column>` flag (in `flags`) is true, of row `alias`. */
export const CHANGED_FIELDS_JSONB = (alias: string, flags: string) =>
  `(${UPDATE_COLUMNS.map((c) => `CASE WHEN ${flags}.set_${c.column} THEN jsonb_build_object('${c.field}', ${fieldValue(alias, c)}) ELSE '{}'::jsonb END`).join(' || ')})`;

/** The columns a session event is inserted with, in this order. */
export const EVENT_COLUMNS = 'run_id, branch_id, series_id, occurrence_key, session_id, kind, booked_count, reason, before, after';

/** The session columns a write's RETURNING gives for its events. */
export const RETURNED_SESSION_COLUMNS = (alias: string) =>
  ['id', 'branch_id', 'series_id', 'occurrence_key', 'booked_count', ...UPDATE_COLUMNS.map((c) => c.column)].map((c) => `${alias}.${c}`).join(', ');
