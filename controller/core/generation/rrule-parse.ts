// A strict reader of a series' RRULE body (RFC 5545 §3.3.10).
//
// rrule.js's own parser is lenient: `INTERVAL=abc` becomes the string 'abc',
// `BYDAY=XX` becomes undefined, and it accepts DTSTART and TZID inside the
// rule. A series must fail validation with a message that names the part to
// fix, so we read the parts here and hand rrule.js only checked values.
import { DAY_MS, daysInMonth, epochDayFromCivil } from './local-date.js';

export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';

/** Weekday numbers as rrule.js counts them: Monday = 0 … Sunday = 6. */
export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

export interface ByDay {
  weekday: number;
  /** The ordinal of `-1SU` / `2MO`; null for every such weekday in the period. */
  nth: number | null;
}

/**
 * UNTIL as written. RFC 5545 wants UNTIL in the same form as DTSTART (a local
 * date-time here), but people write dates and UTC times too; each form gets a
 * meaning (see docs/generation-rules.md):
 *  - 'date'  `UNTIL=20261231`: through the end of that local date;
 *  - 'local' `UNTIL=20261231T180000`: that wall-clock time in the branch zone;
 *  - 'utc'   `UNTIL=20261231T180000Z`: that instant.
 * `ms` is the floating (wall clock read as UTC) value for 'date' and 'local',
 * the epoch instant for 'utc'.
 */
export interface RuleUntil {
  form: 'date' | 'local' | 'utc';
  ms: number;
}

export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  count: number | null;
  until: RuleUntil | null;
  byDay: ByDay[] | null;
  byMonthDay: number[] | null;
  byYearDay: number[] | null;
  byWeekNo: number[] | null;
  byMonth: number[] | null;
  bySetPos: number[] | null;
  /** Week start, Monday = 0; RFC default MO. */
  wkst: number;
}

export type RuleParse = { ok: true; rule: RecurrenceRule } | { ok: false; errors: string[] };

const FREQUENCIES: readonly string[] = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const SUB_DAILY = ['HOURLY', 'MINUTELY', 'SECONDLY'];

/** Parts that conflict with the series' own columns, with what to do instead. */
const FORBIDDEN: Record<string, string> = {
  DTSTART: "DTSTART is not allowed in the rule: the series' startDate and startTime are its DTSTART",
  BYHOUR: "BYHOUR is not allowed: a series has one session per local date, at its startTime",
  BYMINUTE: "BYMINUTE is not allowed: a series has one session per local date, at its startTime",
  BYSECOND: "BYSECOND is not allowed: a series has one session per local date, at its startTime",
  TZID: "TZID is not allowed in the rule: times are local to the series' branch time zone",
};

const KNOWN = ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYMONTH', 'BYSETPOS', 'WKST'];

function intList(part: string, value: string, min: number, max: number, errors: string[], allowNegative: boolean): number[] | null {
  const out: number[] = [];
  for (const item of value.split(',')) {
    const n = /^[+-]?\d{1,3}$/.test(item) ? Number(item) : NaN;
    const inRange = allowNegative ? n !== 0 && Math.abs(n) >= min && Math.abs(n) <= max : n >= min && n <= max;
    if (!Number.isInteger(n) || !inRange) {
      const range = allowNegative ? `${min} to ${max} or -${max} to -${min}` : `${min} to ${max}`;
      errors.push(`${part}=${value}: '${item}' is not a whole number from ${range}`);
      return null;
    }
    out.push(n);
  }
  return out;
}

function parseUntil(value: string, errors: string[]): RuleUntil | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const dateOnly = m[4] === undefined;
    const [h, mi, s] = dateOnly ? [0, 0, 0] : [Number(m[4]), Number(m[5]), Number(m[6])];
    if (year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && h <= 23 && mi <= 59 && s <= 59) {
      const dayStartMs = epochDayFromCivil(year, month, day) * DAY_MS;
      // A date alone means "through that date": its last millisecond.
      const ms = dateOnly ? dayStartMs + DAY_MS - 1 : dayStartMs + ((h * 60 + mi) * 60 + s) * 1000;
      return { form: dateOnly ? 'date' : m[7] ? 'utc' : 'local', ms };
    }
  }
  errors.push(`UNTIL=${value} is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS, optionally ending in Z)`);
  return null;
}

/**
 * Parses already made, by rule text: a chain's series share a few rules, and
 * every run parses every series. Results are frozen (shared). Cleared when
 * full, like the expansion memo.
 */
const parsed = new Map<string, RuleParse>();
const PARSED_LIMIT = 10_000;

/** Empties the parse memo (benchmarks measure a run that starts without it). */
export function clearParsedRules(): void {
  parsed.clear();
}

/** Reads an RRULE body such as `FREQ=WEEKLY;BYDAY=MO,WE`. Case-insensitive; an `RRULE:` prefix is accepted. */
export function parseRecurrenceRule(text: unknown): RuleParse {
  if (typeof text !== 'string') return parseRuleText(text);
  const known = parsed.get(text);
  if (known !== undefined) return known;
  const result = deepFreeze(parseRuleText(text));
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(text, result);
  return result;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function parseRuleText(text: unknown): RuleParse {
  if (typeof text !== 'string' || text.trim() === '') {
    return { ok: false, errors: ['the rule is empty: write an RRULE body such as FREQ=WEEKLY;BYDAY=MO,WE'] };
  }
  const errors: string[] = [];
  const lines = text.toUpperCase().split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  const ruleLines: string[] = [];
  for (const line of lines) {
    if (/^DTSTART[:;=]/.test(line)) errors.push(FORBIDDEN.DTSTART);
    else ruleLines.push(line.replace(/^RRULE:/, ''));
  }
  if (ruleLines.length > 1) errors.push('the text holds more than one rule: give a single RRULE body');
  const parts = new Map<string, string>();
  for (const piece of (ruleLines[0] ?? '').split(';')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    if (Object.hasOwn(FORBIDDEN, key)) {
      errors.push(FORBIDDEN[key]);
    } else if (!KNOWN.includes(key)) {
      errors.push(`unknown rule part '${key}': allowed are ${KNOWN.join(', ')}`);
    } else if (parts.has(key)) {
      errors.push(`${key} appears twice: give each rule part once`);
    } else if (value === '') {
      errors.push(`${key} has no value: write ${key}=…`);
    } else {
      parts.set(key, value);
    }
  }
  if (ruleLines.length === 0) return { ok: false, errors };

  const freqText = parts.get('FREQ');
  let freq: Frequency | null = null;
  if (freqText === undefined) {
    errors.push('FREQ is missing: start the rule with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY');
  } else if (FREQUENCIES.includes(freqText)) {
    freq = freqText as Frequency;
  } else if (SUB_DAILY.includes(freqText)) {
    errors.push(`FREQ=${freqText} is not supported: a series has at most one session per local date; use DAILY, WEEKLY, MONTHLY or YEARLY`);
  } else {
    errors.push(`FREQ=${freqText} is not a frequency: use DAILY, WEEKLY, MONTHLY or YEARLY`);
  }

  let interval = 1;
  const intervalText = parts.get('INTERVAL');
  if (intervalText !== undefined) {
    interval = /^\d{1,6}$/.test(intervalText) ? Number(intervalText) : NaN;
    if (!(interval >= 1)) errors.push(`INTERVAL=${intervalText} must be a whole number of at least 1`);
  }

  let count: number | null = null;
  const countText = parts.get('COUNT');
  if (countText !== undefined) {
    count = /^\d{1,9}$/.test(countText) ? Number(countText) : NaN;
    if (Number.isNaN(count)) errors.push(`COUNT=${countText} must be a whole number`);
  }

  const untilText = parts.get('UNTIL');
  const until = untilText === undefined ? null : parseUntil(untilText, errors);
  if (countText !== undefined && untilText !== undefined) errors.push('COUNT and UNTIL are both given: RFC 5545 allows one of them; keep one');

  let byDay: ByDay[] | null = null;
  const byDayText = parts.get('BYDAY');
  if (byDayText !== undefined) {
    byDay = [];
    for (const item of byDayText.split(',')) {
      const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
      const nth = m?.[1] === undefined ? null : Number(m[1]);
      if (!m || (nth !== null && (nth === 0 || Math.abs(nth) > 53))) {
        errors.push(`BYDAY=${byDayText}: '${item}' is not a weekday (MO…SU, optionally with an ordinal such as -1SU or 2MO)`);
        byDay = null;
        break;
      }
      byDay.push({ weekday: WEEKDAY_CODES.indexOf(m[2] as (typeof WEEKDAY_CODES)[number]), nth });
    }
  }

  const list = (key: string, min: number, max: number, negative: boolean): number[] | null => {
    const value = parts.get(key);
    return value === undefined ? null : intList(key, value, min, max, errors, negative);
  };
  const byMonthDay = list('BYMONTHDAY', 1, 31, true);
  const byYearDay = list('BYYEARDAY', 1, 366, true);
  const byWeekNo = list('BYWEEKNO', 1, 53, true);
  const byMonth = list('BYMONTH', 1, 12, false);
  const bySetPos = list('BYSETPOS', 1, 366, true);

  let wkst = 0;
  const wkstText = parts.get('WKST');
  if (wkstText !== undefined) {
    wkst = WEEKDAY_CODES.indexOf(wkstText as (typeof WEEKDAY_CODES)[number]);
    if (wkst < 0) errors.push(`WKST=${wkstText} is not a weekday: use MO, TU, WE, TH, FR, SA or SU`);
  }

  // RFC 5545 restrictions between FREQ and the BYxxx parts.
  if (freq !== null) {
    if (byDay?.some((d) => d.nth !== null) && freq !== 'MONTHLY' && freq !== 'YEARLY') {
      errors.push(`BYDAY=${byDayText}: an ordinal weekday (such as -1SU) needs FREQ=MONTHLY or YEARLY`);
    }
    if (byDay?.some((d) => d.nth !== null) && freq === 'YEARLY' && byWeekNo) {
      errors.push(`BYDAY=${byDayText}: an ordinal weekday cannot be combined with BYWEEKNO`);
    }
    if (byMonthDay && freq === 'WEEKLY') errors.push('BYMONTHDAY cannot be used with FREQ=WEEKLY');
    if (byYearDay && freq !== 'YEARLY') errors.push('BYYEARDAY needs FREQ=YEARLY');
    if (byWeekNo && freq !== 'YEARLY') errors.push('BYWEEKNO needs FREQ=YEARLY');
  }
  if (bySetPos && !(byDay || byMonthDay || byYearDay || byWeekNo || byMonth)) {
    errors.push('BYSETPOS needs another BY part to pick from (such as BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1)');
  }

  if (errors.length > 0 || freq === null) return { ok: false, errors };
  return { ok: true, rule: { freq, interval, count, until, byDay, byMonthDay, byYearDay, byWeekNo, byMonth, bySetPos, wkst } };
}
