// Expansion of a series' RRULE into the local dates of its occurrences inside
// a window, with rrule.js in floating time: a Date's UTC fields are the wall
// clock of the branch (never rrule's `tzid`, whose results depend on the
// process TZ). DTSTART is startDate + startTime.
//
// Cost. `rule.between(after, before, true)` returns only the window, but
// rrule.js still walks every period from DTSTART up to the window: a daily
// series started in 2000 costs ~64 ms in 2026, for 57 sessions. So, when the
// rule has no COUNT, DTSTART is first moved forward to the start of the period
// (day, week per WKST, month, year) that contains the window start, a whole
// number of INTERVALs after the original one, with the parts rrule.js derives
// from DTSTART (the weekday of a WEEKLY rule, the day of a MONTHLY one, the
// month and day of a YEARLY one) written out. The rebased rule has exactly the
// original's occurrences from the new DTSTART on, and rrule.js walks only the
// periods of the window plus, after it, until it sees the next occurrence
// (bounded by rrule-scan-budget.ts for rules that never match again).
//
// COUNT counts occurrences from the original DTSTART, so a COUNT rule is
// walked from its start: unavoidable, and bounded by COUNT itself. The cap
// below bounds a COUNT so large that it could not be walked per run; hitting
// it is reported as a SERIES_EXPANSION_CAP warning.
import rrule from 'rrule';
import type { Options, RRule as RRuleType, Weekday } from 'rrule';
import type { LocalDate } from '../types.js';
import { DAY_MS, civilFromEpochDay, epochDayFromCivil, epochDayOf, localDateOfEpochDay, weekdayOfEpochDay } from './local-date.js';
import type { RecurrenceRule } from './rrule-parse.js';
import { withScanBudget } from './rrule-scan-budget.js';
import { floatingMs, wallClockAt } from './zoned-time.js';

const { RRule } = rrule;

/**
 * At most this many occurrences are counted from DTSTART for a COUNT rule:
 * 55 years of a daily class, ~40 ms of rrule.js. Beyond it the remaining
 * occurrences are not generated and a warning says so.
 */
export const MAX_COUNTED_OCCURRENCES = 20_000;

/**
 * Days examined past the window before a walk is abandoned: the period that
 * holds the window start can begin up to a year earlier (a YEARLY period
 * starts on 1 January even when DTSTART does not), and the one that holds the
 * window end can run a year later. 800 covers both with room to spare.
 */
const SCAN_MARGIN_DAYS = 800;

const FREQ = { DAILY: RRule.DAILY, WEEKLY: RRule.WEEKLY, MONTHLY: RRule.MONTHLY, YEARLY: RRule.YEARLY } as const;
const WEEKDAYS: Weekday[] = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU];

export interface ExpansionInput {
  rule: RecurrenceRule;
  /** The series' startDate: DTSTART's date and the first date a session may have. */
  startDate: LocalDate;
  /** startTime as minutes after local midnight. */
  startMinutes: number;
  /** Inclusive local dates; from >= startDate. */
  window: { from: LocalDate; to: LocalDate };
  /** The branch zone, used only to read an `UNTIL=…Z` instant as local time. */
  timezone: string;
}

export interface Expansion {
  /** Local dates of the occurrences inside the window, ascending, unique. */
  dates: LocalDate[];
  /** Set when MAX_COUNTED_OCCURRENCES stopped a COUNT rule before the window end. */
  countCap: { counted: number; lastCountedDate: LocalDate } | null;
}

export function expandOccurrenceDates(input: ExpansionInput): Expansion {
  const { rule, startMinutes } = input;
  const startDay = epochDayOf(input.startDate);
  const fromDay = epochDayOf(input.window.from);
  const toDay = epochDayOf(input.window.to);
  const dates: LocalDate[] = [];
  const dayOf = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

  if (rule.count === null) {
    const anchorDay = rebasedAnchorDay(rule, startDay, fromDay);
    const rr = new RRule({ ...ruleOptions(rule, startDay, input.timezone), dtstart: new Date(floatingMs(anchorDay, startMinutes)) }, true);
    withScanBudget(rr, toDay - anchorDay + 1 + SCAN_MARGIN_DAYS, () => {
      rr.between(new Date(floatingMs(fromDay, startMinutes)), new Date(floatingMs(toDay, startMinutes)), true, (d) => {
        dates.push(localDateOfEpochDay(dayOf(d)));
        return true;
      });
    });
    return { dates, countCap: null };
  }

  const rr: RRuleType = new RRule(
    { ...ruleOptions(rule, startDay, input.timezone), count: rule.count, dtstart: new Date(floatingMs(startDay, startMinutes)) },
    true,
  );
  let counted = 0;
  let lastCountedDay = startDay;
  let countCap: Expansion['countCap'] = null;
  withScanBudget(rr, toDay - startDay + 1 + SCAN_MARGIN_DAYS, () => {
    rr.all((d) => {
      const day = dayOf(d);
      if (day > toDay) return false;
      if (counted === MAX_COUNTED_OCCURRENCES) {
        countCap = { counted, lastCountedDate: localDateOfEpochDay(lastCountedDay) };
        return false;
      }
      counted += 1;
      lastCountedDay = day;
      if (day >= fromDay) dates.push(localDateOfEpochDay(day));
      return true;
    });
  });
  return { dates, countCap };
}

/** rrule.js options for the rule, with the parts rrule.js would derive from the original DTSTART written out. */
function ruleOptions(rule: RecurrenceRule, startDay: number, timezone: string): Partial<Options> {
  const options: Partial<Options> = {
    freq: FREQ[rule.freq],
    interval: rule.interval,
    wkst: rule.wkst,
    byweekday: rule.byDay?.map((d) => (d.nth === null ? WEEKDAYS[d.weekday] : WEEKDAYS[d.weekday].nth(d.nth))) ?? null,
    bymonthday: rule.byMonthDay,
    byyearday: rule.byYearDay,
    byweekno: rule.byWeekNo,
    bymonth: rule.byMonth,
    bysetpos: rule.bySetPos,
    until: rule.until === null ? null : new Date(rule.until.form === 'utc' ? wallClockAt(rule.until.ms, timezone) : rule.until.ms),
  };
  // The same defaults as rrule.js's parseOptions, taken from the original DTSTART.
  if (!rule.byWeekNo && !rule.byYearDay && !rule.byMonthDay && !rule.byDay) {
    const start = civilFromEpochDay(startDay);
    if (rule.freq === 'YEARLY') {
      options.bymonth = rule.byMonth ?? [start.month];
      options.bymonthday = [start.day];
    } else if (rule.freq === 'MONTHLY') {
      options.bymonthday = [start.day];
    } else if (rule.freq === 'WEEKLY') {
      options.byweekday = [WEEKDAYS[weekdayOfEpochDay(startDay)]];
    }
  }
  return options;
}

/**
 * The latest period start, a whole number of INTERVALs after the period of
 * DTSTART, that is on or before `fromDay` (or DTSTART itself when the window
 * starts in DTSTART's own period).
 */
export function rebasedAnchorDay(rule: RecurrenceRule, startDay: number, fromDay: number): number {
  if (fromDay <= startDay) return startDay;
  const n = rule.interval;
  switch (rule.freq) {
    case 'DAILY':
      return startDay + Math.floor((fromDay - startDay) / n) * n;
    case 'WEEKLY': {
      const weekStart = (day: number): number => day - ((weekdayOfEpochDay(day) - rule.wkst + 7) % 7);
      const first = weekStart(startDay);
      const k = Math.floor((weekStart(fromDay) - first) / (7 * n));
      return k === 0 ? startDay : first + k * 7 * n;
    }
    case 'MONTHLY': {
      const s = civilFromEpochDay(startDay);
      const f = civilFromEpochDay(fromDay);
      const k = Math.floor((f.year * 12 + f.month - (s.year * 12 + s.month)) / n);
      const monthIndex = s.year * 12 + (s.month - 1) + k * n;
      return k === 0 ? startDay : epochDayFromCivil(Math.floor(monthIndex / 12), (monthIndex % 12) + 1, 1);
    }
    case 'YEARLY': {
      const s = civilFromEpochDay(startDay);
      const k = Math.floor((civilFromEpochDay(fromDay).year - s.year) / n);
      return k === 0 ? startDay : epochDayFromCivil(s.year + k * n, 1, 1);
    }
  }
}
