// `classctl load FILE`: every row of a load document checked before anything
// is written (the load file shape: branches [{id, name, timezone}], series [{id,
// branchId, title, rrule, startDate, endDate, startTime, durationMinutes,
// capacity, instructorId, roomId, exdates}]). The schedule fields of a series
// (rule, dates, time, duration, capacity, exdates) and a branch's time zone are
// checked by generation's own validator, so load refuses exactly what a run
// would refuse. Pure: whether a branchId names a branch of the database is
// answered by the caller (unresolvedBranchRefs), for every series row, valid
// or not, so one pass reports everything.
import { ErrorCodes, joinPointer, type Problem } from '../errors.js';
import { isValidTimeZone, seriesFieldProblems } from '../generation/series-validation.js';
import type { Branch, ClassSeries } from '../types.js';
import { identifierProblem, show } from './field-formats.js';

export type LoadSeries = Omit<ClassSeries, 'version'>;

/** A series whose branchId is not among the file's branches: the database must have it. */
export interface BranchRef {
  index: number;
  seriesId: string;
  branchId: string;
}

export interface LoadValidation {
  branches: Branch[];
  series: LoadSeries[];
  problems: Problem[];
  unresolvedBranchRefs: BranchRef[];
}

const BRANCH_FIELDS = ['id', 'name', 'timezone'] as const;
const SERIES_FIELDS = [
  'id', 'branchId', 'title', 'rrule', 'startDate', 'endDate', 'startTime',
  'durationMinutes', 'capacity', 'instructorId', 'roomId', 'exdates',
] as const;
/** Top-level keys of a snapshot that a load file may carry and that load ignores. */
const IGNORED_TOP_LEVEL = new Set(['sessions', 'archivedSeries']);

type Kind = 'branches' | 'series';

function camel(key: string): string {
  return key.replace(/[_-]([a-z])/g, (_, c: string) => c.toUpperCase());
}

class RowChecker {
  readonly label: string;
  failed = false;
  constructor(
    private readonly problems: Problem[],
    private readonly kind: Kind,
    private readonly index: number,
    readonly id: string | undefined,
  ) {
    const noun = kind === 'branches' ? 'branch' : 'series';
    this.label = `${noun} #${index}${id === undefined ? '' : ` "${id}"`}`;
  }

  fail(field: string | Array<string | number> | null, message: string): void {
    this.failed = true;
    const tokens = field === null ? [] : Array.isArray(field) ? field : [field];
    this.problems.push({
      code: ErrorCodes.LOAD_INVALID,
      scope: 'file',
      document: this.id,
      pointer: joinPointer(this.kind, this.index, ...tokens),
      message: `${this.label}: ${tokens.length ? `${tokens.join('.')} ` : ''}${message}`,
      severity: 'error',
    });
  }

  /** A problem whose sentence already names the field (generation's validator writes those). */
  failAt(path: Array<string | number>, sentence: string): void {
    this.failed = true;
    this.problems.push({
      code: ErrorCodes.LOAD_INVALID,
      scope: 'file',
      document: this.id,
      pointer: joinPointer(this.kind, this.index, ...path),
      message: `${this.label}: ${sentence}`,
      severity: 'error',
    });
  }
}

function problemAt(problems: Problem[], pointer: string, message: string): void {
  problems.push({ code: ErrorCodes.LOAD_INVALID, scope: 'file', pointer, message, severity: 'error' });
}

function checkUnknownFields(row: Record<string, unknown>, known: readonly string[], c: RowChecker): void {
  for (const key of Object.keys(row)) {
    if (known.includes(key)) continue;
    const hint = known.includes(camel(key)) ? `; did you mean "${camel(key)}"?` : `; the fields are ${known.join(', ')}`;
    c.fail(key, `is not a field${hint}`);
  }
}

function optionalId(row: Record<string, unknown>, field: string, c: RowChecker): string | null {
  const v = row[field];
  if (v === undefined || v === null) return null;
  const why = identifierProblem(v);
  if (why) c.fail(field, `${why} (or null); got ${show(v)}`);
  return why ? null : (v as string);
}

function checkBranch(raw: unknown, index: number, problems: Problem[]): Branch | null {
  const row = raw as Record<string, unknown>;
  const id = typeof row?.id === 'string' ? row.id : undefined;
  const c = new RowChecker(problems, 'branches', index, id);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    c.fail(null, `must be a mapping with id, name and timezone; got ${show(raw)}`);
    return null;
  }
  checkUnknownFields(row, BRANCH_FIELDS, c);
  const idProblem = identifierProblem(row.id);
  if (idProblem) c.fail('id', `${idProblem}; got ${show(row.id)}`);
  if (row.name !== undefined && row.name !== null && (typeof row.name !== 'string' || row.name.trim() === '')) {
    c.fail('name', `must be a non-empty string (or absent: the id is used); got ${show(row.name)}`);
  }
  if (typeof row.timezone !== 'string' || !isValidTimeZone(row.timezone)) {
    c.fail('timezone', `must be an IANA time zone such as "Europe/London" or "America/New_York"; got ${show(row.timezone)}`);
  }
  if (c.failed) return null;
  return { id: row.id as string, name: (row.name as string | undefined | null) ?? (row.id as string), timezone: row.timezone as string };
}

function checkSeries(raw: unknown, index: number, problems: Problem[]): LoadSeries | null {
  const row = raw as Record<string, unknown>;
  const id = typeof row?.id === 'string' ? row.id : undefined;
  const c = new RowChecker(problems, 'series', index, id);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    c.fail(null, `must be a mapping with id, branchId, title, rrule, startDate, startTime; got ${show(raw)}`);
    return null;
  }
  checkUnknownFields(row, SERIES_FIELDS, c);
  for (const field of ['id', 'branchId'] as const) {
    const why = identifierProblem(row[field]);
    if (why) c.fail(field, `${why}; got ${show(row[field])}`);
  }
  if (typeof row.title !== 'string' || row.title.trim() === '') c.fail('title', `must be a non-empty string; got ${show(row.title)}`);
  const endDate = row.endDate ?? null;
  const exdateList = row.exdates ?? [];
  const schedule = {
    rrule: row.rrule, startDate: row.startDate, endDate, startTime: row.startTime,
    durationMinutes: row.durationMinutes, capacity: row.capacity, exdates: exdateList,
  };
  for (const p of seriesFieldProblems(schedule)) c.failAt(p.path, p.message);
  const instructorId = optionalId(row, 'instructorId', c);
  const roomId = optionalId(row, 'roomId', c);
  if (c.failed) return null;
  return {
    id: row.id as string,
    branchId: row.branchId as string,
    title: row.title as string,
    rrule: row.rrule as string,
    startDate: row.startDate as string,
    endDate: endDate as string | null,
    startTime: row.startTime as string,
    durationMinutes: (row.durationMinutes ?? null) as number | null,
    capacity: (row.capacity ?? null) as number | null,
    instructorId,
    roomId,
    exdates: [...new Set(exdateList as string[])].sort(),
  };
}

function rowsOf(doc: Record<string, unknown>, kind: Kind, problems: Problem[]): unknown[] {
  const v = doc[kind];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problemAt(problems, joinPointer(kind), `${kind} must be a list of rows; got ${show(v)}`);
    return [];
  }
  return v;
}

/** Reports the second and later rows that reuse an id. */
function checkDuplicateIds(rows: unknown[], kind: Kind, problems: Problem[]): Set<number> {
  const first = new Map<string, number>();
  const duplicates = new Set<number>();
  rows.forEach((raw, index) => {
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const earlier = first.get(id);
    if (earlier === undefined) {
      first.set(id, index);
      return;
    }
    duplicates.add(index);
    new RowChecker(problems, kind, index, id).fail('id', `is also the id of ${kind === 'branches' ? 'branch' : 'series'} #${earlier}; ids must be unique in the file`);
  });
  return duplicates;
}

export function validateLoadDocument(doc: unknown): LoadValidation {
  const problems: Problem[] = [];
  const empty = (): LoadValidation => ({ branches: [], series: [], problems, unresolvedBranchRefs: [] });
  if (doc === null || doc === undefined) {
    problemAt(problems, '', 'the file is empty; it needs a "branches" list, a "series" list, or both');
    return empty();
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    problemAt(problems, '', `the file must be a mapping with "branches" and "series" lists; got ${show(doc)}`);
    return empty();
  }
  const d = doc as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (key !== 'branches' && key !== 'series' && !IGNORED_TOP_LEVEL.has(key)) {
      problemAt(problems, joinPointer(key), `"${key}" is not a section of a load file; the sections are "branches" and "series"`);
    }
  }
  if (d.branches === undefined && d.series === undefined) {
    problemAt(problems, '', 'the file has neither a "branches" nor a "series" list');
  }
  const branchRows = rowsOf(d, 'branches', problems);
  const seriesRows = rowsOf(d, 'series', problems);
  const dupBranches = checkDuplicateIds(branchRows, 'branches', problems);
  const dupSeries = checkDuplicateIds(seriesRows, 'series', problems);

  const branches: Branch[] = [];
  branchRows.forEach((raw, i) => {
    const b = checkBranch(raw, i, problems);
    if (b && !dupBranches.has(i)) branches.push(b);
  });
  // Branch ids the file declares, valid or not: an invalid branch row is
  // reported once, not again for each of its series.
  const fileBranchIds = new Set(branchRows.map((r) => (r as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === 'string'));
  const series: LoadSeries[] = [];
  const unresolvedBranchRefs: BranchRef[] = [];
  seriesRows.forEach((raw, i) => {
    const s = checkSeries(raw, i, problems);
    if (s && !dupSeries.has(i)) series.push(s);
    // Every row's branch is looked up, valid row or not: an unknown branch is
    // reported with the file's other problems, not after they are fixed.
    const row = raw as { id?: unknown; branchId?: unknown } | null;
    const branchId = row?.branchId;
    if (typeof branchId === 'string' && identifierProblem(branchId) === null && !fileBranchIds.has(branchId)) {
      unresolvedBranchRefs.push({ index: i, seriesId: typeof row?.id === 'string' ? row.id : `#${i}`, branchId });
    }
  });
  return { branches, series, problems, unresolvedBranchRefs };
}

/** The problem for a series whose branch is neither in the file nor in the database. */
export function unknownBranchProblem(ref: BranchRef): Problem {
  return {
    code: ErrorCodes.LOAD_INVALID,
    scope: 'file',
    document: ref.seriesId,
    pointer: joinPointer('series', ref.index, 'branchId'),
    message: `series #${ref.index} "${ref.seriesId}": branchId "${ref.branchId}" names no branch of this file or of the database; add it under "branches" or fix the id`,
    severity: 'error',
  };
}
