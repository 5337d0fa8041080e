// Validation of one class series before generation. Every problem names the
// series (scope `series:ID`, document = the id), points at the field
// (`/rrule`, `/startTime`, …) and says what to write instead. A rule that
// yields no occurrence at all is not a problem: it simply yields nothing.
// `classctl load` checks a file's series with the same function
// (seriesFieldProblems), so nothing is stored that a run would refuse.
import { ErrorCodes, joinPointer, type ErrorCode, type Problem } from '../errors.js';
import type { ClassSeries } from '../types.js';
import { digitsAt, isLocalDate, parseLocalDate } from './local-date.js';
import { parseRecurrenceRule, type RecurrenceRule } from './rrule-parse.js';
import { isValidTimeZone } from './zone-offsets.js';

export { isValidTimeZone };

/** A session lasts at most a day: longer is a typo of minutes for hours or seconds. */
export const MAX_DURATION_MINUTES = 24 * 60;

/**
 * Minutes after midnight of an `HH:MM` start time (00:00 to 23:59), or null
 * when it is not one. Read digit by digit: a run checks every series it
 * generates, twice, and a regular expression's match allocated each time.
 */
export function parseStartTime(text: unknown): number | null {
  if (typeof text !== 'string' || text.length !== 5 || text.charCodeAt(2) !== 58 /* : */) return null;
  const hours = digitsAt(text, 0, 2);
  const minutes = digitsAt(text, 3, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return null;
  return hours * 60 + minutes;
}

export interface SeriesCheck {
  problems: Problem[];
  /** Present when the series is valid: the parsed rule and start time, so generation does not read them twice. */
  valid: { rule: RecurrenceRule; startMinutes: number } | null;
}

/** What a class series holds besides its identity: the fields both `load` and generation check. */
export interface SeriesFields {
  rrule: unknown;
  startDate: unknown;
  endDate: unknown;
  startTime: unknown;
  durationMinutes: unknown;
  capacity: unknown;
  exdates: unknown;
}

/** One problem with one field of a series: the field's path inside the series and a sentence naming the value and the fix. */
export interface SeriesFieldProblem {
  code: ErrorCode;
  /** `['rrule']`, `['exdates', 2]`: the pointer's tokens below the series. */
  path: Array<string | number>;
  message: string;
}

/** The largest capacity the database holds (an `int` column). */
export const MAX_CAPACITY = 2_147_483_647;

/** How a value looks in a message: strings quoted, absent as "nothing", the rest as JSON. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? text.slice(0, 77) + '...' : text;
}

/**
 * The single rule book for a series' fields: `classctl load` refuses exactly
 * what generation would refuse later, because both call this.
 */
export function seriesFieldProblems(series: SeriesFields): SeriesFieldProblem[] {
  const problems: SeriesFieldProblem[] = [];
  const add = (code: ErrorCode, path: Array<string | number>, message: string): void => {
    problems.push({ code, path, message });
  };

  const parsed = parseRecurrenceRule(series.rrule);
  if (series.rrule === undefined) {
    add(ErrorCodes.SERIES_RRULE, ['rrule'], 'rrule is missing; write an RRULE body such as FREQ=WEEKLY;BYDAY=MO,WE');
  } else if (!parsed.ok) {
    for (const error of parsed.errors) add(ErrorCodes.SERIES_RRULE, ['rrule'], `rrule ${shown(series.rrule)}: ${error}`);
  }

  const startDay = parseLocalDate(series.startDate);
  if (series.startDate === undefined) {
    add(ErrorCodes.SERIES_INVALID, ['startDate'], 'startDate is missing; write the first date of the series as YYYY-MM-DD');
  } else if (startDay === null) {
    add(ErrorCodes.SERIES_INVALID, ['startDate'], `startDate ${shown(series.startDate)} is not a calendar date; write YYYY-MM-DD`);
  }
  if (series.endDate !== null && series.endDate !== undefined) {
    const endDay = parseLocalDate(series.endDate);
    if (endDay === null) {
      add(ErrorCodes.SERIES_INVALID, ['endDate'], `endDate ${shown(series.endDate)} is not a calendar date; write YYYY-MM-DD, or null for an open-ended series`);
    } else if (startDay !== null && endDay < startDay) {
      add(ErrorCodes.SERIES_INVALID, ['endDate'], `endDate ${series.endDate as string} is before startDate ${series.startDate as string}; set an endDate on or after the startDate, or null for an open-ended series`);
    }
  }

  if (series.startTime === undefined) {
    add(ErrorCodes.SERIES_INVALID, ['startTime'], 'startTime is missing; write the local start time as HH:MM, such as 07:30 or 18:00');
  } else if (parseStartTime(series.startTime) === null) {
    add(ErrorCodes.SERIES_INVALID, ['startTime'], `startTime ${shown(series.startTime)} is not a 24-hour local time HH:MM (00:00 to 23:59), such as 07:30 or 18:00`);
  }

  const duration = series.durationMinutes;
  if (duration !== null && duration !== undefined && !(Number.isInteger(duration) && (duration as number) > 0 && (duration as number) <= MAX_DURATION_MINUTES)) {
    add(
      ErrorCodes.SERIES_INVALID,
      ['durationMinutes'],
      `durationMinutes ${shown(duration)} must be a whole number of minutes from 1 to ${MAX_DURATION_MINUTES} (24 hours), or null for the default`,
    );
  }

  const capacity = series.capacity;
  if (capacity !== null && capacity !== undefined && !(Number.isInteger(capacity) && (capacity as number) >= 0 && (capacity as number) <= MAX_CAPACITY)) {
    add(ErrorCodes.SERIES_INVALID, ['capacity'], `capacity ${shown(capacity)} must be a whole number of at least 0 (at most ${MAX_CAPACITY}), or null for the default`);
  }

  if (!Array.isArray(series.exdates)) {
    add(ErrorCodes.SERIES_INVALID, ['exdates'], `exdates ${shown(series.exdates)} must be a list of local dates (YYYY-MM-DD); use an empty list for none`);
  } else {
    series.exdates.forEach((date, i) => {
      if (!isLocalDate(date)) add(ErrorCodes.SERIES_INVALID, ['exdates', i], `exdate ${shown(date)} is not a calendar date; write YYYY-MM-DD`);
    });
  }
  return problems;
}

export function checkSeries(series: ClassSeries, timezone: string): SeriesCheck {
  const problems: Problem[] = [];
  const add = (code: ErrorCode, pointer: string, message: string): void => {
    problems.push({ code, scope: `series:${series.id}`, document: series.id, pointer, message: `Series ${series.id}: ${message}`, severity: 'error' });
  };

  if (!isValidTimeZone(timezone)) {
    add(
      ErrorCodes.BRANCH_TIMEZONE,
      '/branchId',
      `its branch ${series.branchId} has time zone ${JSON.stringify(timezone)}, which is not a known IANA zone; set the branch's timezone to a name such as Europe/London or America/New_York`,
    );
  }

  for (const p of seriesFieldProblems(series)) add(p.code, joinPointer(...p.path), p.message);

  // Parses are memoized by rule text, so asking again costs a map lookup.
  const parsed = parseRecurrenceRule(series.rrule);
  const startMinutes = parseStartTime(series.startTime);
  const valid = problems.length === 0 && parsed.ok && startMinutes !== null ? { rule: parsed.rule, startMinutes } : null;
  return { problems, valid };
}

/** The problems that keep a series from being generated; empty when it is valid. */
export function validateSeries(series: ClassSeries, timezone: string): Problem[] {
  return checkSeries(series, timezone).problems;
}
