// The days of a schedule view in a branch's zone, each with what makes it
// unusual: a change of the zone's offset (a DST day lasts 23 or 25 hours) and
// the branch's closures, whole-day or part of the day, as its resolved
// `closures` map (which includes the holiday calendars) sets them.
import type { LocalDate } from '../types.js';
import { closureIndex } from '../closures/closure-index.js';
import { addDays, epochDayOf } from '../generation/local-date.js';
import { floatingMs, resolveWallClock } from '../generation/zoned-time.js';
import { zoneOffsetTable } from '../generation/zone-offsets.js';
import { startOfLocalDay } from './schedule-range.js';

export interface DstChange {
  /** The zone's offset as the day begins (just before its first instant), `-05:00`. */
  offsetBefore: string;
  /** The offset when it ends. */
  offsetAfter: string;
}

export interface DayClosure {
  reason: string | null;
  /** The whole local day is closed: start and end are then null. */
  allDay: boolean;
  /** Part of a day: the instants [start, end) the branch is closed, ISO UTC. */
  start: string | null;
  end: string | null;
}

export interface ScheduleDay {
  date: LocalDate;
  dstChange: DstChange | null;
  closures: DayClosure[];
}

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** `+01:00` / `-05:00` of an offset in milliseconds. */
export function offsetText(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/**
 * `days` local dates from `from`, in `timezone`. `closures` is the branch's
 * resolved closures map, or null when the branch's settings do not resolve
 * (no closures are shown then).
 */
export function scheduleDays(from: LocalDate, days: number, timezone: string, closures: Readonly<Record<string, string>> | null): ScheduleDay[] {
  const table = zoneOffsetTable(timezone);
  const index = closures ? closureIndex(closures) : null;
  const out: ScheduleDay[] = [];
  let dayStart = startOfLocalDay(from, timezone);
  for (let i = 0; i < days; i++) {
    const date = addDays(from, i);
    const nextStart = startOfLocalDay(addDays(date, 1), timezone);
    // The offset the day starts from (the instant before its first one: where the clocks jump at
    // midnight, as in Santiago, the day's first instant is already past the change) and the one it ends with.
    const before = table.offsetAt(dayStart - 1);
    const after = table.offsetAt(nextStart - 1);
    const dstChange = before === after ? null : { offsetBefore: offsetText(before), offsetAfter: offsetText(after) };
    const dayClosures: DayClosure[] = [];
    if (index) {
      const whole = index.dayReason(date);
      if (whole !== undefined) dayClosures.push({ reason: whole || null, allDay: true, start: null, end: null });
      const epochDay = epochDayOf(date);
      for (const part of index.hoursOn(date)) {
        // The local times of the closure, resolved as generation resolves a session's (a time in a gap moves forward).
        const policy = { nonexistentTime: 'shiftForward', ambiguousTime: 'earlier' } as const;
        const start = resolveWallClock(table, floatingMs(epochDay, part.fromMinutes), policy);
        const end = resolveWallClock(table, floatingMs(epochDay, part.toMinutes), policy);
        dayClosures.push({ reason: part.reason || null, allDay: false, start: new Date(start).toISOString(), end: new Date(end).toISOString() });
      }
    }
    out.push({ date, dstChange, closures: dayClosures });
    dayStart = nextStart;
  }
  return out;
}
