// The local dates a schedule listing covers (an ISO week, or --from/--to), and
// the instants that bound them in a branch's zone. A local day does not always
// last 24 hours: the day of a spring-forward change has 23, so the bounds are
// each day's own first instant, never `from + n × 24 h`.
import type { LocalDate } from '../types.js';
import { addDays, epochDayFromCivil, localDateAt, localDateOfEpochDay, parseLocalDate, weekdayOfEpochDay } from '../generation/local-date.js';
import { floatingMs, resolveWallClock } from '../generation/zoned-time.js';
import { zoneOffsetTable } from '../generation/zone-offsets.js';

export interface LocalDateRange {
  /** First local date, inclusive. */
  from: LocalDate;
  /** Last local date, inclusive. */
  to: LocalDate;
}

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/** The Monday (epoch day) of ISO week 1 of `year`: the week holding 4 January. */
function isoWeekOneMonday(year: number): number {
  const jan4 = epochDayFromCivil(year, 1, 4);
  return jan4 - weekdayOfEpochDay(jan4);
}

/** How many ISO weeks `year` has: 53 when 28 December falls in a 53rd week, else 52. */
export function isoWeeksInYear(year: number): number {
  return Math.floor((epochDayFromCivil(year, 12, 28) - isoWeekOneMonday(year)) / 7) + 1;
}

/** `2027-W10` → Monday 2027-03-08 to Sunday 2027-03-14; null when it is not an ISO week of that year. */
export function isoWeekRange(text: string): LocalDateRange | null {
  const m = ISO_WEEK.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (year < 1 || week < 1 || week > isoWeeksInYear(year)) return null;
  const monday = isoWeekOneMonday(year) + (week - 1) * 7;
  return { from: localDateOfEpochDay(monday), to: localDateOfEpochDay(monday + 6) };
}

/** The ISO week (Monday to Sunday) holding the local date of `now` in `timezone`. */
export function currentWeekRange(now: number, timezone: string): LocalDateRange {
  const today = parseLocalDate(localDateAt(now, timezone))!;
  const monday = today - weekdayOfEpochDay(today);
  return { from: localDateOfEpochDay(monday), to: localDateOfEpochDay(monday + 6) };
}

/**
 * The first instant of a local date in `timezone`: its midnight, or, where
 * midnight falls in a spring-forward gap, the moment the clocks jump to.
 */
export function startOfLocalDay(date: LocalDate, timezone: string): number {
  const midnight = floatingMs(parseLocalDate(date)!, 0);
  return resolveWallClock(zoneOffsetTable(timezone), midnight, { nonexistentTime: 'shiftForward', ambiguousTime: 'earlier' });
}

/** The instants [fromMs, toMs) of the local dates `from`…`to` (inclusive) in `timezone`. */
export function instantBounds(range: LocalDateRange, timezone: string): { fromMs: number; toMs: number } {
  return { fromMs: startOfLocalDay(range.from, timezone), toMs: startOfLocalDay(addDays(range.to, 1), timezone) };
}
