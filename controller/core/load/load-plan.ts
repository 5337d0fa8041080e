// What `classctl load FILE` would change, computed before it writes: the
// file's rows against the rows of the same ids in the database, one batch of
// ids at a time, so a file of 100,000 series is planned without every row's
// diff held at once. Pure.
import type { Branch } from '../types.js';
import type { LoadSeries } from './validate-load.js';

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface RowChange {
  id: string;
  fields: FieldChange[];
}

export interface TablePlan<Row> {
  add: Row[];
  change: RowChange[];
  unchanged: number;
}

export interface LoadPlan {
  branches: TablePlan<Branch>;
  series: TablePlan<LoadSeries>;
}

const BRANCH_FIELDS = ['name', 'timezone'] as const;
const SERIES_FIELDS = [
  'branchId', 'title', 'rrule', 'startDate', 'endDate', 'startTime',
  'durationMinutes', 'capacity', 'instructorId', 'roomId', 'exdates',
] as const;

/** exdates are a set: the database keeps them sorted without duplicates, so the file's are compared the same way. */
function comparable(field: string, value: unknown): unknown {
  if (field === 'exdates' && Array.isArray(value)) return [...new Set(value as string[])].sort();
  return value ?? null;
}

export type LoadTable = 'branches' | 'series';

export const LOAD_FIELDS: Record<LoadTable, readonly string[]> = { branches: BRANCH_FIELDS, series: SERIES_FIELDS };

/** One batch of the file's rows (`wanted`) against the database's rows of the same ids (`current`). */
export function planTable<Row extends { id: string }>(wanted: readonly Row[], current: readonly Row[], fields: readonly string[]): TablePlan<Row> {
  const byId = new Map(current.map((r) => [r.id, r]));
  const plan: TablePlan<Row> = { add: [], change: [], unchanged: 0 };
  for (const row of wanted) {
    const existing = byId.get(row.id);
    if (!existing) {
      plan.add.push(row);
      continue;
    }
    const changed: FieldChange[] = [];
    for (const field of fields) {
      const before = comparable(field, (existing as Record<string, unknown>)[field]);
      const after = comparable(field, (row as Record<string, unknown>)[field]);
      if (JSON.stringify(before) !== JSON.stringify(after)) changed.push({ field, before, after });
    }
    if (changed.length > 0) plan.change.push({ id: row.id, fields: changed });
    else plan.unchanged++;
  }
  return plan;
}

/** `current`: the database's rows with the file's ids (others are not the load's business: it never deletes). */
export function planLoad(
  file: { branches: readonly Branch[]; series: readonly LoadSeries[] },
  current: { branches: readonly Branch[]; series: readonly LoadSeries[] },
): LoadPlan {
  return {
    branches: planTable(file.branches, current.branches, BRANCH_FIELDS),
    series: planTable(file.series, current.series, SERIES_FIELDS),
  };
}

export function isEmptyLoadPlan(plan: LoadPlan): boolean {
  return plan.branches.add.length + plan.branches.change.length + plan.series.add.length + plan.series.change.length === 0;
}

const show = (v: unknown): string => JSON.stringify(v);

/** How many rows of one table are added, changed and unchanged. */
export interface TableCounts {
  add: number;
  change: number;
  unchanged: number;
}

export type LoadPlanCounts = Record<LoadTable, TableCounts>;

export function emptyLoadCounts(): LoadPlanCounts {
  return { branches: { add: 0, change: 0, unchanged: 0 }, series: { add: 0, change: 0, unchanged: 0 } };
}

export function isEmptyLoadCounts(c: LoadPlanCounts): boolean {
  return c.branches.add + c.branches.change + c.series.add + c.series.change === 0;
}

/** `+ series yoga (branch downtown, FREQ=WEEKLY;BYDAY=MO at 07:00 from 2026-09-07)` */
export function renderAddedRow(table: LoadTable, row: Branch | LoadSeries): string {
  if (table === 'branches') {
    const b = row as Branch;
    return `  + branch ${b.id} (${b.name}, ${b.timezone})`;
  }
  const s = row as LoadSeries;
  return `  + series ${s.id} (branch ${s.branchId}, ${s.rrule} at ${s.startTime} from ${s.startDate})`;
}

/** `~ series yoga: title "Yoga" → "Yoga Flow"` */
export function renderChangedRow(table: LoadTable, c: RowChange): string {
  return `  ~ ${table === 'branches' ? 'branch' : 'series'} ${c.id}: ${c.fields.map((f) => `${f.field} ${show(f.before)} → ${show(f.after)}`).join(', ')}`;
}

/** The last line of the text plan. */
export function renderLoadCounts(c: LoadPlanCounts): string {
  const count = (t: TableCounts) => `${t.add} to add, ${t.change} to change, ${t.unchanged} unchanged`;
  return `Branches: ${count(c.branches)}. Series: ${count(c.series)}.`;
}

export function countsOf(plan: LoadPlan): LoadPlanCounts {
  const of = (t: TablePlan<unknown>): TableCounts => ({ add: t.add.length, change: t.change.length, unchanged: t.unchanged });
  return { branches: of(plan.branches), series: of(plan.series) };
}

/** The plan as lines an admin reads before `--apply`: what is added, each changed field before → after, and counts. */
export function renderLoadPlanText(plan: LoadPlan): string {
  const lines: string[] = [];
  for (const table of ['branches', 'series'] as const) {
    for (const row of plan[table].add) lines.push(renderAddedRow(table, row));
    for (const c of plan[table].change) lines.push(renderChangedRow(table, c));
  }
  lines.push(renderLoadCounts(countsOf(plan)));
  return lines.join('\n') + '\n';
}
