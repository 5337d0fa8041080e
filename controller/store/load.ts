// `classctl load FILE`: validate every row, then upsert branches and series in
// one transaction with bulk statements — or, when any row is invalid, write
// nothing at all.
import { unknownBranchProblem, validateLoadDocument, type LoadSeries } from '../core/load/validate-load.js';
import type { Problem } from '../core/errors.js';
import type { Branch } from '../core/types.js';
import { chunks } from './bulk.js';
import type { Database, Sql } from './database.js';
import { toPgArrayLiteral } from './pg-array.js';

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

export async function loadInputs(db: Database, doc: unknown): Promise<LoadResult> {
  const v = validateLoadDocument(doc);
  const problems = [...v.problems];
  if (v.unresolvedBranchRefs.length > 0) {
    const wanted = [...new Set(v.unresolvedBranchRefs.map((r) => r.branchId))];
    const rows = await db.query<{ id: string }>(`SELECT id FROM branches WHERE id = ANY($1::text[])`, [wanted]);
    const known = new Set(rows.map((r) => r.id));
    for (const ref of v.unresolvedBranchRefs) if (!known.has(ref.branchId)) problems.push(unknownBranchProblem(ref));
  }
  if (problems.some((p) => p.severity === 'error')) {
    return { branches: 0, series: 0, problems, written: { branches: 0, series: 0 } };
  }
  const written = await db.transaction(async (tx) => ({
    // Branches first: the series' foreign keys point at them.
    branches: await upsertBranches(tx, v.branches),
    series: await upsertSeries(tx, v.series),
  }));
  return { branches: v.branches.length, series: v.series.length, problems, written };
}
