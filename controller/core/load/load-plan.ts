// What `classctl load FILE` would change, computed before it writes: the
// file's rows against the rows of the same ids in the database. Pure.
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

function planTable<Row extends { id: string }>(wanted: readonly Row[], current: readonly Row[], fields: readonly string[]): TablePlan<Row> {
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

/** The plan as lines an admin reads before `--apply`: what is added, each changed field before → after, and counts. */
export function renderLoadPlanText(plan: LoadPlan): string {
  const lines: string[] = [];
  for (const b of plan.branches.add) lines.push(`  + branch ${b.id} (${b.name}, ${b.timezone})`);
  for (const c of plan.branches.change) lines.push(`  ~ branch ${c.id}: ${c.fields.map((f) => `${f.field} ${show(f.before)} → ${show(f.after)}`).join(', ')}`);
  for (const s of plan.series.add) lines.push(`  + series ${s.id} (branch ${s.branchId}, ${s.rrule} at ${s.startTime} from ${s.startDate})`);
  for (const c of plan.series.change) lines.push(`  ~ series ${c.id}: ${c.fields.map((f) => `${f.field} ${show(f.before)} → ${show(f.after)}`).join(', ')}`);
  const count = (t: TablePlan<unknown>) => `${t.add.length} to add, ${t.change.length} to change, ${t.unchanged} unchanged`;
  lines.push(`Branches: ${count(plan.branches)}. Series: ${count(plan.series)}.`);
  return lines.join('\n') + '\n';
}
