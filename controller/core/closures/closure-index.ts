// The resolved closures map compiled once for lookups: whole days by date
// (single dates in a map, ranges by binary search) and parts of days by date.
// Resolved settings are frozen and shared by every series of a branch, so the
// index is cached per closures object.
import type { LocalDate } from '../types.js';
import { addDays } from '../generation/local-date.js';
import { clockText, readClosureKey } from './closure-key.js';

export interface HoursClosure {
  fromMinutes: number;
  toMinutes: number;
  reason: string;
}

export interface ClosureIndex {
  /** The reason the whole local day is closed, or undefined. */
  dayReason(date: LocalDate): string | undefined;
  /** The parts of that local day that are closed (empty when none). */
  hoursOn(date: LocalDate): readonly HoursClosure[];
  /** True when some closure covers only part of a day: generation then checks each session's instants. */
  readonly hasHours: boolean;
}

interface DayRange {
  from: LocalDate;
  to: LocalDate;
  reason: string;
}

const cache = new WeakMap<object, ClosureIndex>();
const NO_HOURS: readonly HoursClosure[] = Object.freeze([]);

export function closureIndex(closures: Readonly<Record<string, string>>): ClosureIndex {
  const cached = cache.get(closures);
  if (cached) return cached;
  const days = new Map<LocalDate, string>();
  const ranges: DayRange[] = [];
  const hours = new Map<LocalDate, HoursClosure[]>();
  for (const [text, reason] of Object.entries(closures)) {
    const read = readClosureKey(text);
    // Keys were validated with the document; one that is not readable here closes nothing.
    if (!read.ok) continue;
    const key = read.key;
    if (key.kind === 'hours') {
      const list = hours.get(key.date) ?? [];
      list.push({ fromMinutes: key.fromMinutes, toMinutes: key.toMinutes, reason });
      hours.set(key.date, list);
    } else if (key.from === key.to) {
      days.set(key.from, reason);
    } else {
      ranges.push({ from: key.from, to: key.to, reason });
    }
  }
  ranges.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  // The latest end among ranges[0..i]: a date after it is in none of them.
  const reachTo: LocalDate[] = [];
  for (let i = 0; i < ranges.length; i++) {
    const to = ranges[i]!.to;
    reachTo.push(i > 0 && reachTo[i - 1]! > to ? reachTo[i - 1]! : to);
  }
  for (const list of hours.values()) list.sort((a, b) => a.fromMinutes - b.fromMinutes);

  function rangeReason(date: LocalDate): string | undefined {
    // The last range starting on or before the date, then back while one can still reach it.
    let lo = 0;
    let hi = ranges.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid]!.from <= date) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (let i = last; i >= 0 && reachTo[i]! >= date; i--) if (ranges[i]!.to >= date) return ranges[i]!.reason;
    return undefined;
  }

  const index: ClosureIndex = {
    dayReason: (date) => days.get(date) ?? (ranges.length > 0 ? rangeReason(date) : undefined),
    hoursOn: (date) => hours.get(date) ?? NO_HOURS,
    hasHours: hours.size > 0,
  };
  cache.set(closures, index);
  return index;
}

/**
 * Why a session of `date` is closed, for the plan: a whole-day closure of its
 * date, else a part-day closure of its date or the next (a session may run
 * past midnight). Undefined when no closure touches those days.
 */
export function closureReasonFor(closures: Readonly<Record<string, string>>, date: LocalDate): string | undefined {
  const index = closureIndex(closures);
  const day = index.dayReason(date);
  if (day !== undefined) return `the branch is closed that day (${day})`;
  for (const d of [date, addDays(date, 1)]) {
    const part = index.hoursOn(d)[0];
    if (part) return `the branch is closed from ${clockText(part.fromMinutes)} to ${clockText(part.toMinutes)} on ${d} (${part.reason})`;
  }
  return undefined;
}
