// Local calendar dates. A `LocalDate` is the text `YYYY-MM-DD`; arithmetic is
// done on epoch days (whole days since 1970-01-01, a Thursday), which need no
// time zone and no Date objects. The conversions are Howard Hinnant's
// days_from_civil / civil_from_days, exact for the proleptic Gregorian calendar.
import type { LocalDate } from '../types.js';
import { zoneOffsetTable } from './zone-offsets.js';

export const DAY_MS = 86_400_000;

/** Epoch day of a calendar date (month 1–12). No range checks. */
export function epochDayFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilFromEpochDay(epochDay: number): CivilDate {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  if (month !== 2) return MONTH_DAYS[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** The number written by the ASCII digits text[from, from + length), or -1 if one is not a digit. */
export function digitsAt(text: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The epoch day of a `YYYY-MM-DD` text, or null when it is not a real calendar
 * date (years 0001–9999). Read character by character, not with a regular
 * expression: generation reads back every occurrence key it makes, and this
 * was the largest single cost of planning a converged branch.
 */
export function parseLocalDate(text: unknown): number | null {
  if (typeof text !== 'string' || text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return epochDayFromCivil(year, month, day);
}

export function isLocalDate(text: unknown): text is LocalDate {
  return parseLocalDate(text) !== null;
}

/** Epoch day of a date already known to be valid; throws otherwise (a programming error). */
export function epochDayOf(date: LocalDate): number {
  const day = parseLocalDate(date);
  if (day === null) throw new RangeError(`not a local date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return day;
}

export function localDateOfEpochDay(epochDay: number): LocalDate {
  let date = datesOfDays.get(epochDay);
  if (date === undefined) {
    const { year, month, day } = civilFromEpochDay(epochDay);
    date = `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
    if (datesOfDays.size >= DATES_OF_DAYS_LIMIT) datesOfDays.clear();
    datesOfDays.set(epochDay, date);
  }
  return date;
}

/**
 * The dates already written out, by epoch day. A run's sessions fall on a
 * few hundred days: each date is built once, and every session keyed on it
 * shares the one string (a generation of 100,000 series made ~2.5 million).
 */
const datesOfDays = new Map<number, LocalDate>();
const DATES_OF_DAYS_LIMIT = 100_000;

export function addDays(date: LocalDate, days: number): LocalDate {
  return localDateOfEpochDay(epochDayOf(date) + days);
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return epochDayOf(b) - epochDayOf(a);
}

/** Day of the week of an epoch day, Monday = 0 … Sunday = 6 (rrule.js numbering). */
export function weekdayOfEpochDay(epochDay: number): number {
  return (((epochDay + 3) % 7) + 7) % 7;
}

/**
 * The local date at `instantMs` in `timezone`: 'today' of a branch.
 * Throws a RangeError for an unknown zone (validate first with isValidTimeZone).
 */
export function localDateAt(instantMs: number, timezone: string): LocalDate {
  const wallMs = instantMs + zoneOffsetTable(timezone).offsetAt(instantMs);
  return localDateOfEpochDay(Math.floor(wallMs / DAY_MS));
}
