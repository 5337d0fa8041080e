// One session of a schedule listing, as a person reads it in the branch's
// zone (`get sessions`): local date, weekday, start and end wall-clock times,
// the zone's offset at the start; the JSON form adds ISO instants with offsets.
import { wallClockAt } from '../generation/zoned-time.js';

/** A session row as the schedule query returns it. */
export interface ScheduleSession {
  id: string;
  seriesId: string;
  occurrenceKey: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  roomId: string | null;
  instructorId: string | null;
  status: string;
  detached: boolean;
  bookedCount: number;
  capacity: number | null;
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const two = (n: number): string => (n < 10 ? '0' : '') + n;

export interface LocalClock {
  date: string;
  day: string;
  time: string;
  /** `-04:00` */
  offset: string;
}

/** An instant's local date, weekday, wall-clock time and UTC offset in a zone. */
export function localClock(instantMs: number, timezone: string): LocalClock {
  const wallMs = wallClockAt(instantMs, timezone);
  const wall = new Date(wallMs); // its UTC fields are the wall clock
  const offsetMin = Math.round((wallMs - instantMs) / 60_000);
  const abs = Math.abs(offsetMin);
  return {
    date: `${String(wall.getUTCFullYear()).padStart(4, '0')}-${two(wall.getUTCMonth() + 1)}-${two(wall.getUTCDate())}`,
    day: DAYS[(wall.getUTCDay() + 6) % 7]!,
    time: `${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}`,
    offset: `${offsetMin < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`,
  };
}

export const SCHEDULE_COLUMNS = ['DATE', 'DAY', 'START', 'END', 'SERIES', 'TITLE', 'ROOM', 'INSTRUCTOR', 'STATUS', 'BOOKED/CAP'] as const;
export const SCHEDULE_WIDE_COLUMNS = [...SCHEDULE_COLUMNS, 'OFFSET', 'STARTS (UTC)', 'ENDS (UTC)', 'OCCURRENCE', 'DETACHED', 'ID'] as const;

const dash = (v: string | null): string => (v === null || v === '' ? '-' : v);

/** The table cells of one session, in SCHEDULE_COLUMNS (or, `wide`, SCHEDULE_WIDE_COLUMNS) order. */
export function scheduleCells(s: ScheduleSession, timezone: string, wide: boolean): string[] {
  const start = localClock(s.startsAt.getTime(), timezone);
  const end = localClock(s.endsAt.getTime(), timezone);
  // A class past midnight ends on the next local date: say so rather than show an end before its start.
  const endTime = end.date === start.date ? end.time : `${end.time} (${end.date})`;
  const cells = [
    start.date, start.day, start.time, endTime, s.seriesId, s.title, dash(s.roomId), dash(s.instructorId), s.status,
    `${s.bookedCount}/${s.capacity ?? '-'}`,
  ];
  if (!wide) return cells;
  return [...cells, start.offset, s.startsAt.toISOString(), s.endsAt.toISOString(), s.occurrenceKey, s.detached ? 'yes' : 'no', s.id];
}

/** The session's own fields as stored, with its times as a person in the branch reads them. */
export type ScheduleSessionJson = Omit<ScheduleSession, 'startsAt' | 'endsAt'> & {
  /** Local date and weekday of the start in the branch's zone. */
  date: string;
  day: string;
  /** ISO 8601 local date-time with the zone's offset: `2027-03-14T09:00:00-04:00`. */
  start: string;
  end: string;
  /** ISO 8601 instants in UTC. */
  startsAt: string;
  endsAt: string;
  timezone: string;
};

export function scheduleJson(s: ScheduleSession, timezone: string): ScheduleSessionJson {
  const start = localClock(s.startsAt.getTime(), timezone);
  const end = localClock(s.endsAt.getTime(), timezone);
  return {
    id: s.id,
    seriesId: s.seriesId,
    occurrenceKey: s.occurrenceKey,
    title: s.title,
    date: start.date,
    day: start.day,
    start: `${start.date}T${start.time}:00${start.offset}`,
    end: `${end.date}T${end.time}:00${end.offset}`,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    timezone,
    roomId: s.roomId,
    instructorId: s.instructorId,
    status: s.status,
    detached: s.detached,
    bookedCount: s.bookedCount,
    capacity: s.capacity,
  };
}
