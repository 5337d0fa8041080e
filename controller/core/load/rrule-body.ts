// The RRULE body a class series may hold (DESIGN §2): RFC 5545 rule parts,
// FREQ one of DAILY, WEEKLY, MONTHLY, YEARLY; no DTSTART, BYHOUR, BYMINUTE,
// BYSECOND (the start is startDate + startTime). A structural check so a load
// file is refused up front; expansion is the generation code's business.

const FREQUENCIES = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const WEEKDAY = '(MO|TU|WE|TH|FR|SA|SU)';

function intList(min: number, max: number, signed: boolean) {
  return (value: string): boolean =>
    value.split(',').every((v) => {
      if (!/^[+-]?\d{1,3}$/.test(v) || (!signed && /^[+-]/.test(v))) return false;
      const n = Math.abs(Number(v));
      return n >= min && n <= max;
    });
}

const PART_CHECKS: Record<string, { check: (v: string) => boolean; expected: string }> = {
  FREQ: { check: (v) => FREQUENCIES.has(v), expected: 'DAILY, WEEKLY, MONTHLY or YEARLY' },
  INTERVAL: { check: (v) => /^[1-9]\d{0,3}$/.test(v), expected: 'a positive integer' },
  COUNT: { check: (v) => /^[1-9]\d{0,5}$/.test(v), expected: 'a positive integer' },
  UNTIL: { check: (v) => /^\d{8}(T\d{6}Z?)?$/.test(v), expected: 'a date YYYYMMDD (or YYYYMMDDTHHMMSSZ)' },
  BYDAY: { check: (v) => v.split(',').every((d) => new RegExp(`^([+-]?[1-5]?\\d)?${WEEKDAY}$`).test(d)), expected: 'weekdays like MO,WE or 1MO,-1FR' },
  BYMONTHDAY: { check: intList(1, 31, true), expected: 'days of the month, 1 to 31 or -31 to -1' },
  BYYEARDAY: { check: intList(1, 366, true), expected: 'days of the year, 1 to 366 or -366 to -1' },
  BYWEEKNO: { check: intList(1, 53, true), expected: 'ISO week numbers, 1 to 53 or -53 to -1' },
  BYMONTH: { check: intList(1, 12, false), expected: 'months, 1 to 12' },
  BYSETPOS: { check: intList(1, 366, true), expected: 'positions, 1 to 366 or -366 to -1' },
  WKST: { check: (v) => new RegExp(`^${WEEKDAY}$`).test(v), expected: 'a weekday, e.g. MO' },
};

const FORBIDDEN: Record<string, string> = {
  DTSTART: 'the first occurrence is startDate at startTime',
  BYHOUR: 'the time of day is startTime',
  BYMINUTE: 'the time of day is startTime',
  BYSECOND: 'the time of day is startTime',
};

/** Why `value` is not a usable RRULE body, or null when it is. */
export function rruleBodyProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return 'must be an RRULE body such as "FREQ=WEEKLY;BYDAY=MO"';
  if (/^\s*RRULE:/i.test(value)) return 'holds only the rule body: drop the "RRULE:" prefix';
  if (/\s/.test(value)) return 'must not contain spaces or line breaks (one line, parts separated by ";")';
  const seen = new Set<string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    const v = eq > 0 ? part.slice(eq + 1) : '';
    if (!key || !v) return `has a part "${part}" that is not NAME=VALUE`;
    if (key !== key.toUpperCase()) return `writes "${key}" in lower case; rule part names are upper case ("${key.toUpperCase()}")`;
    if (FORBIDDEN[key]) return `must not use ${key}: ${FORBIDDEN[key]}`;
    const rule = PART_CHECKS[key];
    if (!rule) return `has an unknown rule part "${key}"`;
    if (seen.has(key)) return `names ${key} twice`;
    seen.add(key);
    if (!rule.check(v)) return `has ${key}=${v}; ${key} must be ${rule.expected}`;
  }
  if (!seen.has('FREQ')) return 'needs FREQ (DAILY, WEEKLY, MONTHLY or YEARLY)';
  if (seen.has('COUNT') && seen.has('UNTIL')) return 'uses both COUNT and UNTIL; RFC 5545 allows one of them';
  return null;
}
