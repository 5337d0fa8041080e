// Validation of one class series before generation. Every problem names the
// series (scope `series:ID`, document = the id), points at the field
// (`/rrule`, `/startTime`, …) and says what to write instead. A rule that
// yields no occurrence at all is not a problem: it simply yields nothing.
import { ErrorCodes, type ErrorCode, type Problem } from '../errors.js';
import type { ClassSeries } from '../types.js';
import { isLocalDate, parseLocalDate } from './local-date.js';
import { parseRecurrenceRule, type RecurrenceRule } from './rrule-parse.js';
import { isValidTimeZone } from './zone-offsets.js';

export { isValidTimeZone };

/** A session lasts at most a day: longer is a typo of minutes for hours or seconds. */
export const MAX_DURATION_MINUTES = 24 * 60;

const START_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of an `HH:MM` start time, or null when it is not one. */
export function parseStartTime(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = START_TIME.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export interface SeriesCheck {
  problems: Problem[];
  /** Present when the series is valid: the parsed rule and start time, so generation does not read them twice. */
  valid: { rule: RecurrenceRule; startMinutes: number } | null;
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

  const parsed = parseRecurrenceRule(series.rrule);
  if (!parsed.ok) {
    for (const error of parsed.errors) add(ErrorCodes.SERIES_RRULE, '/rrule', `rrule ${JSON.stringify(series.rrule)}: ${error}`);
  }

  const startDay = parseLocalDate(series.startDate);
  if (startDay === null) {
    add(ErrorCodes.SERIES_INVALID, '/startDate', `startDate ${JSON.stringify(series.startDate)} is not a calendar date; write YYYY-MM-DD`);
  }
  if (series.endDate !== null && series.endDate !== undefined) {
    const endDay = parseLocalDate(series.endDate);
    if (endDay === null) {
      add(ErrorCodes.SERIES_INVALID, '/endDate', `endDate ${JSON.stringify(series.endDate)} is not a calendar date; write YYYY-MM-DD, or null for an open-ended series`);
    } else if (startDay !== null && endDay < startDay) {
      add(ErrorCodes.SERIES_INVALID, '/endDate', `endDate ${series.endDate} is before startDate ${series.startDate}; set an endDate on or after the startDate, or null for an open-ended series`);
    }
  }

  const startMinutes = parseStartTime(series.startTime);
  if (startMinutes === null) {
    add(ErrorCodes.SERIES_INVALID, '/startTime', `startTime ${JSON.stringify(series.startTime)} is not a 24-hour local time HH:MM (00:00 to 23:59), such as 07:30 or 18:00`);
  }

  const duration = series.durationMinutes;
  if (duration !== null && duration !== undefined && !(Number.isInteger(duration) && duration > 0 && duration <= MAX_DURATION_MINUTES)) {
    add(
      ErrorCodes.SERIES_INVALID,
      '/durationMinutes',
      `durationMinutes ${JSON.stringify(duration)} must be a whole number of minutes from 1 to ${MAX_DURATION_MINUTES} (24 hours), or null for the default`,
    );
  }

  const capacity = series.capacity;
  if (capacity !== null && capacity !== undefined && !(Number.isInteger(capacity) && capacity >= 0)) {
    add(ErrorCodes.SERIES_INVALID, '/capacity', `capacity ${JSON.stringify(capacity)} must be a whole number of at least 0, or null for the default`);
  }

  if (!Array.isArray(series.exdates)) {
    add(ErrorCodes.SERIES_INVALID, '/exdates', 'exdates must be a list of local dates (YYYY-MM-DD); use an empty list for none');
  } else {
    series.exdates.forEach((date, i) => {
      if (!isLocalDate(date)) add(ErrorCodes.SERIES_INVALID, `/exdates/${i}`, `exdate ${JSON.stringify(date)} is not a calendar date; write YYYY-MM-DD`);
    });
  }

  const valid = problems.length === 0 && parsed.ok && startMinutes !== null ? { rule: parsed.rule, startMinutes } : null;
  return { problems, valid };
}

/** The problems that keep a series from being generated; empty when it is valid. */
export function validateSeries(series: ClassSeries, timezone: string): Problem[] {
  return checkSeries(series, timezone).problems;
}
