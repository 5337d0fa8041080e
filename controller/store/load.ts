// `classctl load FILE`: validate every row, read the rows of the same ids in
// batches to show what would change, then upsert the added and changed
// branches and series in one transaction with bulk statements — or, when any
// row is invalid, write nothing at all.
import { emptyLoadCounts, LOAD_FIELDS, planTable, type LoadPlanCounts, type LoadTable, type RowChange } from '../core/load/load-plan.js';
import { unknownBranchProblem, validateLoadDocument, type LoadSeries } from '../core/load/validate-load.js';
import type { Problem } from '../core/errors.js';
import type { Branch } from '../core/types.js';
import { chunks } from './bulk.js';
import type { Database, Sql } from './database.js';
import { toPgArrayLiteral } from './pg-array.js';
import { SERIES_COLUMNS, seriesFromRow, type SeriesRow } from './series-sql.js';

export interface LoadResult {
  /** Rows of the file loaded (0 when anything was invalid). */
  branches: number;
  series: number;
  problems: Problem[];
  /** Of those, rows inserted or actually changed; an identical row is not written (its version stays). */
  written: { branches: number; series: number };
}

// An existing row is updated only where a column differs, so loading the same
// file twice bumps no version (the trigger would keep it anyway) and takes no row lock.
const UPSERT_BRANCHES = `
  INSERT INTO branches AS b (id, name, timezone)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, timezone = EXCLUDED.timezone
  WHERE (b.name, b.timezone) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.timezone)
  RETURNING b.id`;

const SERIES_VALUE_COLUMNS = [
  'branch_id', 'title', 'rrule', 'start_date', 'end_date', 'start_time',
  'duration_minutes', 'capacity', 'instructor_id', 'room_id', 'exdates',
];

const UPSERT_SERIES = `
  INSERT INTO class_series AS s (id, ${SERIES_VALUE_COLUMNS.join(', ')})
  SELECT t.id, t.branch_id, t.title, t.rrule, t.start_date::date, t.end_date::date, t.start_time::time,
         t.duration_minutes, t.capacity, t.instructor_id, t.room_id, t.exdates::date[]
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::int[], $9::int[], $10::text[], $11::text[], $12::text[])
      AS t(id, branch_id, title, rrule, start_date, end_date, start_time, duration_minutes, capacity, instructor_id, room_id, exdates)
  ON CONFLICT (id) DO UPDATE SET ${SERIES_VALUE_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
  WHERE (${SERIES_VALUE_COLUMNS.map((c) => `s.${c}`).join(', ')})
        IS DISTINCT FROM (${SERIES_VALUE_COLUMNS.map((c) => `EXCLUDED.${c}`).join(', ')})
  RETURNING s.id`;

async function upsertBranches(tx: Sql, branches: Branch[]): Promise<number> {
  let written = 0;
  for (const part of chunks(branches)) {
    const rows = await tx.query(UPSERT_BRANCHES, [part.map((b) => b.id), part.map((b) => b.name), part.map((b) => b.timezone)]);
    written += rows.length;
  }
  return written;
}

async function upsertSeries(tx: Sql, series: LoadSeries[]): Promise<number> {
  let written = 0;
  for (const part of chunks(series)) {
    const rows = await tx.query(UPSERT_SERIES, [
      part.map((s) => s.id),
      part.map((s) => s.branchId),
      part.map((s) => s.title),
      part.map((s) => s.rrule),
      part.map((s) => s.startDate),
      part.map((s) => s.endDate),
      part.map((s) => s.startTime),
      part.map((s) => s.durationMinutes),
      part.map((s) => s.capacity),
      part.map((s) => s.instructorId),
      part.map((s) => s.roomId),
      // Each row's exdates travel as one array literal, cast per row: a
      // two-dimensional parameter could not hold lists of different lengths.
      part.map((s) => toPgArrayLiteral(s.exdates)),
    ]);
    written += rows.length;
  }
  return written;
}

export interface PreparedLoad {
  problems: Problem[];
  /** The file's valid rows (empty when any row is invalid). */
  rows: { branches: Branch[]; series: LoadSeries[] };
}

/** Validates the document; a series naming a branch that is not in the file must find it in the database. */
export async function prepareLoad(db: Sql, doc: unknown): Promise<PreparedLoad> {
  const v = validateLoadDocument(doc);
  const problems = [...v.problems];
  if (v.unresolvedBranchRefs.length > 0) {
    const wanted = [...new Set(v.unresolvedBranchRefs.map((r) => r.branchId))];
    const rows = await db.query<{ id: string }>(`SELECT id FROM branches WHERE id = ANY($1::text[])`, [wanted]);
    const known = new Set(rows.map((r) => r.id));
    for (const ref of v.unresolvedBranchRefs) if (!known.has(ref.branchId)) problems.push(unknownBranchProblem(ref));
  }
  if (problems.some((p) => p.severity === 'error')) return { problems, rows: { branches: [], series: [] } };
  return { problems, rows: { branches: v.branches, series: v.series } };
}

/** The database's rows of one table with these ids (one statement). */
async function currentRows(db: Sql, table: LoadTable, ids: string[]): Promise<Array<Branch | LoadSeries>> {
  if (table === 'branches') return db.query<Branch>(`SELECT id, coalesce(name, id) AS name, timezone FROM branches WHERE id = ANY($1::text[])`, [ids]);
  const found = await db.query<SeriesRow>(`SELECT ${SERIES_COLUMNS} FROM class_series AS s WHERE s.id = ANY($1::text[])`, [ids]);
  return found.map((r) => {
    const { version: _version, ...row } = seriesFromRow(r);
    return row;
  });
}

/**
 * Receives the plan as it is computed, table by table (branches first): each
 * added row in file order, then — with `changesAfterAdds` — each changed row
 * in file order; without it, changes come as they are found, between the adds.
 */
export interface LoadPlanSink {
  add(table: LoadTable, row: Branch | LoadSeries): void | Promise<void>;
  change(table: LoadTable, change: RowChange): void | Promise<void>;
  /** Called between a table's adds and its changes (with `changesAfterAdds`). */
  addsDone?(table: LoadTable): void | Promise<void>;
  tableDone?(table: LoadTable, counts: LoadPlanCounts[LoadTable]): void | Promise<void>;
}

export interface StreamedLoadPlan {
  counts: LoadPlanCounts;
  /** The rows to write: added or changed, in file order (an unchanged row is not written). */
  toWrite: PreparedLoad['rows'];
}

/**
 * The plan of valid rows, one batch of ids at a time: only a batch's rows of
 * the database and its diffs are held. With `changesAfterAdds` a table's
 * changed rows are read again after its adds (only their ids are kept in
 * between), so a sink that lists adds then changes needs no buffer.
 */
export async function streamLoadPlan(db: Sql, rows: PreparedLoad['rows'], sink: LoadPlanSink, opts: { changesAfterAdds: boolean }): Promise<StreamedLoadPlan> {
  const counts = emptyLoadCounts();
  const toWrite: PreparedLoad['rows'] = { branches: [], series: [] };
  for (const table of ['branches', 'series'] as const) {
    const wanted: ReadonlyArray<Branch | LoadSeries> = rows[table];
    const changed = new Set<string>();
    const write: Array<Branch | LoadSeries> = [];
    for (const part of chunks(wanted)) {
      const plan = planTable(part, await currentRows(db, table, part.map((r) => r.id)), LOAD_FIELDS[table]);
      counts[table].add += plan.add.length;
      counts[table].change += plan.change.length;
      counts[table].unchanged += plan.unchanged;
      for (const row of plan.add) await sink.add(table, row);
      for (const c of plan.change) {
        changed.add(c.id);
        if (!opts.changesAfterAdds) await sink.change(table, c);
      }
      const added = new Set(plan.add.map((r) => r.id));
      for (const row of part) if (added.has(row.id) || changed.has(row.id)) write.push(row);
    }
    if (opts.changesAfterAdds) {
      await sink.addsDone?.(table);
      for (const part of chunks(wanted.filter((r) => changed.has(r.id)))) {
        const plan = planTable(part, await currentRows(db, table, part.map((r) => r.id)), LOAD_FIELDS[table]);
        for (const c of plan.change) await sink.change(table, c);
      }
    }
    await sink.tableDone?.(table, counts[table]);
    if (table === 'branches') toWrite.branches = write as Branch[];
    else toWrite.series = write as LoadSeries[];
  }
  return { counts, toWrite };
}

/** Upserts the rows in one transaction; returns how many were inserted or actually changed. */
export async function writeLoad(db: Database, rows: PreparedLoad['rows']): Promise<{ branches: number; series: number }> {
  return db.transaction(async (tx) => ({
    // Branches first: the series' foreign keys point at them.
    branches: await upsertBranches(tx, rows.branches),
    series: await upsertSeries(tx, rows.series),
  }));
}

/** Validate and write, without a plan or guards: for tests and set-up code that own their database. */
export async function loadInputs(db: Database, doc: unknown): Promise<LoadResult> {
  const { problems, rows } = await prepareLoad(db, doc);
  if (problems.some((p) => p.severity === 'error')) {
    return { branches: 0, series: 0, problems, written: { branches: 0, series: 0 } };
  }
  const written = await writeLoad(db, rows);
  return { branches: rows.branches.length, series: rows.series.length, problems, written };
}
