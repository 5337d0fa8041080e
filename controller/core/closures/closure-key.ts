// The three forms a closure key takes, read from its text. A key is still the
// map key of `closures`, so a layer adds or removes (null) each one as before:
//
//   "2026-12-25"               the whole local day
//   "2026-12-24/2026-12-26"    whole local days, both ends included
//   "2026-12-24T12:00/18:00"   part of one local day, [12:00, 18:00); 24:00 ends at midnight
import type { LocalDate } from '../types.js';
import { isLocalDate, parseLocalDate } from '../generation/local-date.js';

export type ClosureKey =
  | { kind: 'days'; from: LocalDate; to: LocalDate }
  | { kind: 'hours'; date: LocalDate; fromMinutes: number; toMinutes: number };

export type ClosureKeyRead = { ok: true; key: ClosureKey } | { ok: false; why: string };

/** The syntax, for the schema's propertyNames (calendar validity is checked by readClosureKey). */
export const CLOSURE_KEY_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(/\\d{4}-\\d{2}-\\d{2}|T\\d{2}:\\d{2}/\\d{2}:\\d{2})?$';

export const CLOSURE_KEY_FORMS =
  'a local date "2026-12-25", a range of dates "2026-12-24/2026-12-26" (both included) or part of a day "2026-12-24T12:00/18:00" (local times, end excluded)';

const HOURS = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})\/(\d{2}):(\d{2})$/;

export function readClosureKey(text: string): ClosureKeyRead {
  if (parseLocalDate(text) !== null) return { ok: true, key: { kind: 'days', from: text, to: text } };
  const slash = text.indexOf('/');
  const hours = HOURS.exec(text);
  if (hours) {
    const [, date, h1, m1, h2, m2] = hours as unknown as [string, string, string, string, string, string];
    if (!isLocalDate(date)) return { ok: false, why: `"${date}" is not a calendar date` };
    const fromMinutes = minutesOf(h1, m1);
    const toMinutes = minutesOf(h2, m2);
    if (fromMinutes === null || fromMinutes >= 24 * 60) return { ok: false, why: `the start ${h1}:${m1} is not a time of day (00:00 to 23:59)` };
    if (toMinutes === null) return { ok: false, why: `the end ${h2}:${m2} is not a time of day (00:01 to 24:00)` };
    if (toMinutes <= fromMinutes) return { ok: false, why: `the end ${h2}:${m2} is not after the start ${h1}:${m1}` };
    return { ok: true, key: { kind: 'hours', date, fromMinutes, toMinutes } };
  }
  if (slash > 0) {
    const from = text.slice(0, slash);
    const to = text.slice(slash + 1);
    if (!isLocalDate(from)) return { ok: false, why: `"${from}" is not a calendar date` };
    if (!isLocalDate(to)) return { ok: false, why: `"${to}" is not a calendar date` };
    if (to < from) return { ok: false, why: `the range ends (${to}) before it starts (${from})` };
    return { ok: true, key: { kind: 'days', from, to } };
  }
  return { ok: false, why: `"${text}" is not a calendar date` };
}

function minutesOf(h: string, m: string): number | null {
  const hours = Number(h);
  const minutes = Number(m);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return null;
  return hours * 60 + minutes;
}

/** `HH:MM` of minutes after local midnight. */
export function clockText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
