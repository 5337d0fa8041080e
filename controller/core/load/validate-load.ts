// `classctl load FILE`: every row of a load document checked before anything
// is written (DESIGN §6 shape: branches [{id, name, timezone}], series [{id,
// branchId, title, rrule, startDate, endDate, startTime, durationMinutes,
// capacity, instructorId, roomId, exdates}]). Pure: whether a branchId names a
// branch of the database is answered by the caller (unresolvedBranchRefs).
import { ErrorCodes, joinPointer, type Problem } from '../errors.js';
import type { Branch, ClassSeries } from '../types.js';
import { identifierProblem, isIanaTimeZone, isLocalDate, isLocalTime, show } from './field-formats.js';
import { rruleBodyProblem } from './rrule-body.js';

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
/** A class longer than a day is not a class; sessions of one series would overlap. */
const MAX_DURATION_MINUTES = 24 * 60;
const MAX_INT4 = 2_147_483_647;

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

function optionalInt(row: Record<string, unknown>, field: string, min: number, max: number, c: RowChecker): number | null {
  const v = row[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    c.fail(field, `must be a whole number from ${min} to ${max}, or null to use the configured default; got ${show(v)}`);
    return null;
  }
  return v;
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
  if (!isIanaTimeZone(row.timezone)) {
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
  const rruleWhy = rruleBodyProblem(row.rrule);
  if (rruleWhy) c.fail('rrule', `${rruleWhy}; got ${show(row.rrule)}`);
  if (!isLocalDate(row.startDate)) c.fail('startDate', `must be a calendar date "YYYY-MM-DD" (quoted in YAML); got ${show(row.startDate)}`);
  const endDate = row.endDate ?? null;
  if (endDate !== null && !isLocalDate(endDate)) {
    c.fail('endDate', `must be a calendar date "YYYY-MM-DD", or null for no end; got ${show(endDate)}`);
  } else if (endDate !== null && isLocalDate(row.startDate) && endDate < row.startDate) {
    c.fail('endDate', `${endDate} is before startDate ${row.startDate}; the last date must be on or after the first`);
  }
  if (!isLocalTime(row.startTime)) c.fail('startTime', `must be a 24-hour local time "HH:MM" such as "18:30" (quoted in YAML); got ${show(row.startTime)}`);
  const durationMinutes = optionalInt(row, 'durationMinutes', 1, MAX_DURATION_MINUTES, c);
  const capacity = optionalInt(row, 'capacity', 0, MAX_INT4, c);
  const instructorId = optionalId(row, 'instructorId', c);
  const roomId = optionalId(row, 'roomId', c);
  const exdates = new Set<string>();
  if (row.exdates !== undefined && row.exdates !== null) {
    if (!Array.isArray(row.exdates)) {
      c.fail('exdates', `must be a list of dates "YYYY-MM-DD"; got ${show(row.exdates)}`);
    } else {
      row.exdates.forEach((d, j) => {
        if (isLocalDate(d)) exdates.add(d);
        else c.fail(['exdates', j], `must be a calendar date "YYYY-MM-DD"; got ${show(d)}`);
      });
    }
  }
  if (c.failed) return null;
  return {
    id: row.id as string,
    branchId: row.branchId as string,
    title: row.title as string,
    rrule: row.rrule as string,
    startDate: row.startDate as string,
    endDate: endDate as string | null,
    startTime: row.startTime as string,
    durationMinutes,
    capacity,
    instructorId,
    roomId,
    exdates: [...exdates].sort(),
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
    if (!s || dupSeries.has(i)) return;
    series.push(s);
    if (!fileBranchIds.has(s.branchId)) unresolvedBranchRefs.push({ index: i, seriesId: s.id, branchId: s.branchId });
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
