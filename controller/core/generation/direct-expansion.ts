// Direct expansion of the rules most series have — DAILY or WEEKLY, with
// plain weekdays at most, any INTERVAL, WKST and UNTIL, no COUNT — without
// rrule.js. These rules pick days one by one by a fixed test (the weekday,
// and the day's or week's distance from DTSTART in INTERVALs), so walking
// the window's days is exact and needs no period machinery. rrule.js costs
// tens of µs per window even walked by month, which was the largest part of
// generating a branch in a new process (a CronJob run); this costs one loop
// over the window's days. Every other rule still goes to rrule.js.
// test/core/generation/recurrence.test.ts holds both to the same dates
// over thousands of random rules, windows and start dates.
import type { RecurrenceRule } from './rrule-parse.js';
import { localDateOfEpochDay, weekdayOfEpochDay } from './local-date.js';
import { floatingMs } from './zoned-time.js';

/** True when expandDirect gives exactly what rrule.js gives for the rule. */
export function isDirectRule(rule: RecurrenceRule): boolean {
  return (
    (rule.freq === 'DAILY' || rule.freq === 'WEEKLY') &&
    rule.count === null &&
    rule.bySetPos === null &&
    rule.byMonth === null &&
    rule.byMonthDay === null &&
    rule.byYearDay === null &&
    rule.byWeekNo === null &&
    plainWeekdays(rule.byDay)
  );
}

/**
 * No BYDAY, or weekdays without an ordinal. Indexed loops here and in
 * expandDirect: a for-of allocated an iterator per call, ~27 MB in a
 * 100,000-series day roll, which calls both for every series.
 */
function plainWeekdays(byDay: RecurrenceRule['byDay']): boolean {
  if (byDay === null) return true;
  for (let i = 0; i < byDay.length; i++) if (byDay[i]!.nth !== null) return false;
  return true;
}

export interface DirectExpansionInput {
  rule: RecurrenceRule;
  /** DTSTART's epoch day; no occurrence before it. */
  startDay: number;
  /** Inclusive epoch days of the window. */
  fromDay: number;
  toDay: number;
  startMinutes: number;
  /** UNTIL as floating ms (the wall clock read as UTC), or null. */
  untilFloatingMs: number | null;
}

/** The occurrence days of a direct rule (isDirectRule) inside the window, ascending. */
export function expandDirect(input: DirectExpansionInput): { dates: string[]; days: number[] } {
  const { rule, startDay, startMinutes, untilFloatingMs } = input;
  // The weekdays the rule picks, one bit each: nothing to build per call (an
  // incremental run expands a day or two of every series).
  let weekdays = 0;
  const byDay = rule.byDay;
  if (byDay !== null) for (let i = 0; i < byDay.length; i++) weekdays |= 1 << byDay[i]!.weekday;
  else weekdays = rule.freq === 'WEEKLY' ? 1 << weekdayOfEpochDay(startDay) : 0x7f;
  // The first day of the week (per WKST) that holds `day`.
  const weekStart = (day: number): number => day - ((weekdayOfEpochDay(day) - rule.wkst + 7) % 7);
  const firstWeek = weekStart(startDay);
  const dates: string[] = [];
  const days: number[] = [];
  for (let day = Math.max(input.fromDay, startDay); day <= input.toDay; day++) {
    if (untilFloatingMs !== null && floatingMs(day, startMinutes) > untilFloatingMs) break;
    if ((weekdays & (1 << weekdayOfEpochDay(day))) === 0) continue;
    const step = rule.freq === 'DAILY' ? day - startDay : (weekStart(day) - firstWeek) / 7;
    if (step % rule.interval !== 0) continue;
    days.push(day);
    dates.push(localDateOfEpochDay(day));
  }
  return { dates, days };
}
