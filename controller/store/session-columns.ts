// The updatable columns of class_sessions as the bulk statements send them,
// and the compare-and-set on a plan's `before` values: an update, cancel or
// delete applies only where the row still has every session field the plan
// saw, so an older plan never undoes what a newer one (another run) wrote.
import type { SessionChange, UpdatableField } from '../core/plan-types.js';
import type { SessionStatus } from '../core/types.js';

// Instants travel as epoch milliseconds (float8, exact for ms) and become
// timestamptz in the database: converting 2 × 240k values to ISO text here
// was the largest share of this process's work for a bulk create.
export const FROM_EPOCH_MS = (expr: string) => `to_timestamp(${expr} / 1000)`;

// The updatable columns, in the order of the unnest arrays below.
export const UPDATE_COLUMNS: Array<{ field: UpdatableField; column: string; type: string; instant?: true }> = [
  { field: 'title', column: 'title', type: 'text' },
  { field: 'startsAt', column: 'starts_at', type: 'float8', instant: true },
  { field: 'endsAt', column: 'ends_at', type: 'float8', instant: true },
  { field: 'timezone', column: 'timezone', type: 'text' },
  { field: 'instructorId', column: 'instructor_id', type: 'text' },
  { field: 'roomId', column: 'room_id', type: 'text' },
  { field: 'capacity', column: 'capacity', type: 'int' },
  { field: 'status', column: 'status', type: 'text' },
];


export interface GuardRow {
  id: string;
  detached: boolean;
  started: boolean;
  booked_count: number;
  status: SessionStatus;
  title: string;
  starts_ms: number;
  ends_ms: number;
  timezone: string;
  instructor_id: string | null;
  room_id: string | null;
  capacity: number | null;
}

/** The row's current value of an updatable field, as the plan's values are (instants in epoch ms). */
export function rowValue(row: GuardRow, field: UpdatableField): string | number | null {
  const col = UPDATE_COLUMNS.find((c) => c.field === field)!;
  if (col.instant) return field === 'startsAt' ? row.starts_ms : row.ends_ms;
  return row[col.column as 'title' | 'timezone' | 'instructor_id' | 'room_id' | 'capacity' | 'status'];
}

export function sameValue(col: (typeof UPDATE_COLUMNS)[number], a: string | number | null, b: string | number | null): boolean {
  if (col.instant && typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1;
  return a === b;
}

/** The row no longer has the values the plan saw (a change without `before` assumes nothing). */
export function changedSincePlan(row: GuardRow, c: SessionChange): boolean {
  const before = beforeValues(c);
  return before !== null && UPDATE_COLUMNS.some((col, i) => !sameValue(col, rowValue(row, col.field), before[i]!));
}

/** The plan's `before` values in UPDATE_COLUMNS order, or null when the change carries none. */
function beforeValues(c: SessionChange): Array<string | number | null> | null {
  const b = c.before;
  if (!b) return null;
  return UPDATE_COLUMNS.map((col) => (col.instant ? Date.parse(b[col.field] as string) : (b[col.field] as string | number | null)));
}

// Compare-and-set on the plan's `before` values: per row a flag (the change
// carries them) and one array per updatable column.
export const BEFORE_ALIASES = UPDATE_COLUMNS.map((c) => `b_${c.column}`).join(', ');
export const beforeArrays = (first: number) => UPDATE_COLUMNS.map((c, i) => `$${first + i}::${c.type}[]`).join(', ');
export const casFlagParam = (first: number) => `$${first + UPDATE_COLUMNS.length}::bool[]`;
const storedValue = (c: (typeof UPDATE_COLUMNS)[number]) => (c.instant ? `(extract(epoch FROM s.${c.column}) * 1000)::float8` : `s.${c.column}`);
export const CAS_CONDITION = `(NOT u.cas OR (${UPDATE_COLUMNS.map((c) =>
  c.instant ? `abs(${storedValue(c)} - u.b_${c.column}) < 1` : `${storedValue(c)} IS NOT DISTINCT FROM u.b_${c.column}`,
).join(' AND ')}))`;

/** The before arrays and the flag array, for the rows of `part` in order. */
export function beforeParams(part: SessionChange[]): unknown[] {
  const columns: unknown[][] = UPDATE_COLUMNS.map(() => []);
  const cas: boolean[] = [];
  for (const c of part) {
    const values = beforeValues(c);
    cas.push(values !== null);
    UPDATE_COLUMNS.forEach((_, i) => columns[i]!.push(values ? values[i] : null));
  }
  return [...columns, cas];
}

