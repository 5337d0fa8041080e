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
// (bounded by rrule-scan-budget.ts for rules that never match again). Two more
// savings follow below: DAILY and WEEKLY rules are walked as their MONTHLY
// equivalent (monthlyEquivalent), and each distinct expansion is computed
// once per process (the memo). And DAILY and WEEKLY rules with plain weekdays
// and no COUNT, most series' rules, do not reach rrule.js at all: they are
// expanded directly (direct-expansion.ts), with the same results.
//
// COUNT counts occurrences from the original DTSTART, so a COUNT rule is
// walked from its start: unavoidable, and bounded by COUNT itself. The cap
// below bounds a COUNT so large that it could not be walked per run; hitting
// it is reported as a SERIES_EXPANSION_CAP warning.
import rrule from 'rrule';
import type { Options, RRule as RRuleType, Weekday } from 'rrule';
import type { LocalDate } from '../types.js';
import { DAY_MS, civilFromEpochDay, epochDayFromCivil, epochDayOf, localDateOfEpochDay, weekdayOfEpochDay } from './local-date.js';
import { clearParsedRules, type ByDay, type RecurrenceRule } from './rrule-parse.js';
import { expandDirect, isDirectRule } from './direct-expansion.js';
import { withScanBudget } from './rrule-scan-budget.js';
import { floatingMs, wallClockAt } from './zoned-time.js';

const { RRule } = rrule;

/**
 * At most this many occurrences are counted from DTSTART for a COUNT rule:
 * 55 years of a daily class, 0.1–0.4 s of rrule.js measured here. Beyond it
 * the remaining occurrences are not generated and a warning says so.
 */
export const MAX_COUNTED_OCCURRENCES = 20_000;

/**
 * Days examined beyond the window's own before a walk is abandoned: the
 * period that holds the window start can begin up to a year earlier (a YEARLY
 * period starts on 1 January even when DTSTART does not), and the one that
 * holds the window end can run a year later. 800 covers both with room to
 * spare, so the budget only ever cuts the walk after the window.
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
  /** Local dates of the occurrences inside the window, ascending, unique. Shared: do not modify. */
  dates: readonly LocalDate[];
  /** The epoch days of `dates`, index for index (so they need no parsing back). */
  days: readonly number[];
  /** Set when MAX_COUNTED_OCCURRENCES stopped a COUNT rule before the window end. */
  countCap: { counted: number; lastCountedDate: LocalDate } | null;
}

/**
 * Expansions already computed, by everything that decides them. rrule.js
 * costs tens of µs per window even walked by month, while a chain's series
 * mostly share a few rules and, once rebased, the same DTSTART and window: a
 * run of 10,000 series expands each distinct (rule, anchor, window) once. A
 * memo of a pure function — it holds dates only, no clock and no series — kept
 * small by clearing it when full (10,000 windows of dates: a few MB).
 */
const memo = new Map<string, Expansion>();
const MEMO_LIMIT = 10_000;

/**
 * The walked rule of a parsed rule (shared, frozen: rrule-parse.ts memoizes
 * parses) for a startDate: its rrule.js options and their text, the memo key's
 * costly part. The options depend on the startDate only through its weekday,
 * month and day (the parts rrule.js derives from DTSTART), and on the zone only
 * through UNTIL; so series that share a rule share the entry, and a run does
 * not rebuild and stringify the options of every series.
 */
interface WalkedRule {
  rule: RecurrenceRule;
  options: Partial<Options>;
  optionsKey: string;
}
let walkedRules = new WeakMap<RecurrenceRule, Map<string, WalkedRule>>();

function walkedRule(parsed: RecurrenceRule, startDay: number, timezone: string): WalkedRule {
  const start = civilFromEpochDay(startDay);
  const key = `${start.month}-${start.day}-${weekdayOfEpochDay(startDay)}${parsed.until === null ? '' : `-${timezone}`}`;
  let byStart = walkedRules.get(parsed);
  if (byStart === undefined) walkedRules.set(parsed, (byStart = new Map()));
  let walked = byStart.get(key);
  if (walked === undefined) {
    const rule = monthlyEquivalent(parsed, startDay);
    const options = ruleOptions(rule, startDay, timezone);
    walked = { rule, options, optionsKey: JSON.stringify([options, rule.count]) };
    byStart.set(key, walked);
  }
  return walked;
}

/** Empties what generation keeps between runs: expansions, walked rules and parses (benchmarks measure a run that starts without them, as a new process does). */
export function clearExpansionMemo(): void {
  memo.clear();
  walkedRules = new WeakMap();
  clearParsedRules();
}

/**
 * How a rule is expanded: 'auto' directly when direct-expansion.ts can
 * (isDirectRule), else with rrule.js, through the memo. 'rrule' and 'direct'
 * force one way and bypass the memo: tests hold the two to the same dates.
 */
export type ExpansionEngine = 'auto' | 'rrule' | 'direct';

/**
 * Windows of at most this many days (an incremental run's slice: the day
 * that entered the window) are expanded directly when the rule allows it,
 * without the memo: building the memo key costs more than walking a few days.
 */
const SHORT_WINDOW_DAYS = 7;

export function expandOccurrenceDates(input: ExpansionInput, engine: ExpansionEngine = 'auto'): Expansion {
  const { startMinutes } = input;
  const startDay = epochDayOf(input.startDate);
  const fromDay = epochDayOf(input.window.from);
  const toDay = epochDayOf(input.window.to);
  if (engine === 'auto' && toDay - fromDay < SHORT_WINDOW_DAYS && isDirectRule(input.rule)) {
    return withoutCountCap(expandDirect({ rule: input.rule, startDay, fromDay, toDay, startMinutes, untilFloatingMs: untilFloatingMs(input.rule, input.timezone) }));
  }
  const { rule, options, optionsKey } = walkedRule(input.rule, startDay, input.timezone);
  const anchorDay = rule.count === null ? rebasedAnchorDay(rule, startDay, fromDay) : startDay;
  // The time of day moves every occurrence alike, so it only matters against UNTIL.
  const key = `${optionsKey}|${anchorDay}|${fromDay}|${toDay}|${options.until ? startMinutes : ''}`;
  const known = engine === 'auto' ? memo.get(key) : undefined;
  if (known !== undefined) return known;

  const direct = engine === 'direct' || (engine === 'auto' && isDirectRule(input.rule));
  if (engine === 'direct' && !isDirectRule(input.rule)) throw new TypeError('expandOccurrenceDates: the rule cannot be expanded directly');
  const expansion: Expansion = direct
    ? withoutCountCap(expandDirect({ rule: input.rule, startDay, fromDay, toDay, startMinutes, untilFloatingMs: options.until ? options.until.getTime() : null }))
    : rule.count === null
      ? walkWindow(options, anchorDay, fromDay, toDay, startMinutes)
      : walkCounted(options, rule.count, startDay, fromDay, toDay, startMinutes);
  Object.freeze(expansion.dates);
  Object.freeze(expansion.days);
  if (engine !== 'auto') return expansion;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, expansion);
  return expansion;
}

/**
 * A direct expansion as an Expansion. Built field by field: an object spread
 * here took ~1.2 µs a call, five times the expansion of a day itself, and an
 * incremental run expands a day or two of every series.
 */
const withoutCountCap = ({ dates, days }: { dates: LocalDate[]; days: number[] }): Expansion => ({ dates, days, countCap: null });

const dayOf = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

/** A rule without COUNT, walked from its rebased DTSTART through the window. */
function walkWindow(options: Partial<Options>, anchorDay: number, fromDay: number, toDay: number, startMinutes: number): Expansion {
  const dates: LocalDate[] = [];
  const days: number[] = [];
  const rr = new RRule({ ...options, dtstart: new Date(floatingMs(anchorDay, startMinutes)) }, true);
  withScanBudget(rr, toDay - anchorDay + 1 + SCAN_MARGIN_DAYS, () => {
    rr.between(new Date(floatingMs(fromDay, startMinutes)), new Date(floatingMs(toDay, startMinutes)), true, (d) => {
      const day = dayOf(d);
      days.push(day);
      dates.push(localDateOfEpochDay(day));
      return true;
    });
  });
  return { dates, days, countCap: null };
}

/** A COUNT rule, walked from its real DTSTART (the count starts there), at most MAX_COUNTED_OCCURRENCES far. */
function walkCounted(options: Partial<Options>, count: number, startDay: number, fromDay: number, toDay: number, startMinutes: number): Expansion {
  const dates: LocalDate[] = [];
  const days: number[] = [];
  const rr: RRuleType = new RRule({ ...options, count, dtstart: new Date(floatingMs(startDay, startMinutes)) }, true);
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
      if (day >= fromDay) {
        days.push(day);
        dates.push(localDateOfEpochDay(day));
      }
      return true;
    });
  });
  return { dates, days, countCap };
}

const EVERY_WEEKDAY: ByDay[] = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, nth: null }));

/**
 * A DAILY or WEEKLY rule with INTERVAL=1 and no BYSETPOS picks days one by
 * one: it has no period structure, so it selects exactly the days of a
 * MONTHLY rule with its weekdays written out (every weekday for DAILY, the
 * startDate's for a WEEKLY rule without BYDAY) and the same filters. rrule.js
 * walks that one a month at a time instead of a day or a week at a time, and
 * every period costs it a year-long array: measured here, 57 days of a daily
 * class cost ~130 µs walked by day and ~40 µs by month, three classes a week
 * ~45 µs and ~17 µs, and a COUNT=400 daily walk ~1.9 ms and ~0.16 ms.
 */
export function monthlyEquivalent(rule: RecurrenceRule, startDay: number): RecurrenceRule {
  if (rule.interval !== 1 || rule.bySetPos !== null || (rule.freq !== 'DAILY' && rule.freq !== 'WEEKLY')) return rule;
  const byDay = rule.byDay ?? (rule.freq === 'WEEKLY' ? [{ weekday: weekdayOfEpochDay(startDay), nth: null }] : EVERY_WEEKDAY);
  return { ...rule, freq: 'MONTHLY', byDay };
}

/** UNTIL as floating ms (the branch's wall clock read as UTC): a UTC UNTIL is moved to the zone's wall clock. */
function untilFloatingMs(rule: RecurrenceRule, timezone: string): number | null {
  if (rule.until === null) return null;
  return rule.until.form === 'utc' ? wallClockAt(rule.until.ms, timezone) : rule.until.ms;
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
    until: rule.until === null ? null : new Date(untilFloatingMs(rule, timezone)!),
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
