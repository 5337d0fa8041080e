// Formats of the fields of a load document. Pure: no I/O, no clock.

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** 'YYYY-MM-DD' naming a real calendar day (no 2026-02-30), year 0001–9999. */
export function isLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = LOCAL_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** 'HH:MM', 24-hour clock. */
export function isLocalTime(value: unknown): value is string {
  return typeof value === 'string' && LOCAL_TIME.test(value);
}

/**
 * An IANA zone name the runtime's time-zone data knows ('Europe/London', 'UTC').
 * Offsets like '+01:00' are refused: an offset has no DST rules, so classes
 * would drift by an hour twice a year.
 */
export function isIanaTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** An identifier: a non-empty string without surrounding spaces or control characters. */
export function identifierProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `must be a string${typeof value === 'number' ? ' (quote it)' : ''}`;
  if (value.length === 0) return 'must not be empty';
  if (value.trim() !== value) return 'must not start or end with spaces';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  if (value.length > 200) return 'must be at most 200 characters';
  return null;
}

/** How a value looks in a message: strings quoted, the rest as JSON. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value instanceof Date) return `a date-time object (${value.toISOString()})`;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? text.slice(0, 77) + '...' : text;
}
