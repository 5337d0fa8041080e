import t from 'tap';
import { findDoubleBookings, mergeDoubleBookings } from '../../controller/core/double-booking.js';
import type { DesiredSession } from '../../controller/core/types.js';

const T0 = Date.UTC(2026, 11, 1, 14, 0);
const M = 60_000;

function s(seriesId: string, start: number, minutes: number, room: string | null, instructor: string | null): DesiredSession {
  return { seriesId, branchId: 'b', occurrenceKey: '2026-12-01', title: seriesId, startsAt: start, endsAt: start + minutes * M, timezone: 'UTC', instructorId: instructor, roomId: room, capacity: 10 };
}

const rows = [
  { name: 'two series in one room at overlapping times warn once', sessions: [s('a', T0, 60, 'r1', 'x'), s('b', T0 + 30 * M, 60, 'r1', 'y')], codes: ['ROOM_DOUBLE_BOOKED'] },
  { name: 'back-to-back classes in one room do not overlap', sessions: [s('a', T0, 60, 'r1', 'x'), s('b', T0 + 60 * M, 60, 'r1', 'y')], codes: [] },
  { name: 'one instructor teaching two overlapping classes warns', sessions: [s('a', T0, 60, 'r1', 'x'), s('b', T0 + 10 * M, 30, 'r2', 'x')], codes: ['INSTRUCTOR_DOUBLE_BOOKED'] },
  { name: 'a long class overlapping a later one after a short one is found', sessions: [s('a', T0, 180, 'r1', null), s('b', T0 + 10 * M, 10, 'r1', null), s('c', T0 + 120 * M, 30, 'r1', null)], codes: ['ROOM_DOUBLE_BOOKED', 'ROOM_DOUBLE_BOOKED'] },
  { name: 'sessions without room or instructor never warn', sessions: [s('a', T0, 60, null, null), s('b', T0, 60, null, null)], codes: [] },
  { name: 'overlapping sessions of one series in its own room are not a double booking', sessions: [s('a', T0, 60, 'r1', 'x'), s('a', T0 + 30 * M, 60, 'r1', 'x')], codes: [] },
  {
    name: 'a room held by one series alone does not hide a clash in a room two series share',
    sessions: [s('a', T0, 60, 'r1', 'x'), s('a', T0 + 30 * M, 60, 'r1', 'x'), s('b', T0, 60, 'r2', 'y'), s('c', T0 + 30 * M, 60, 'r2', 'z')],
    codes: ['ROOM_DOUBLE_BOOKED'],
  },
  { name: 'a room and an instructor with the same id are different resources', sessions: [s('a', T0, 60, 'sam', null), s('b', T0 + 30 * M, 60, null, 'sam')], codes: [] },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    t.same(findDoubleBookings('b', row.sessions).map((w) => w.code), row.codes);
  });
}

// mergeDoubleBookings: recorded warnings stand outside the recomputed part of
// time and while their later session is ahead; inside it only what was found
// again counts; the result is in findDoubleBookings' order.
const HOUR = 60 * M;
const all = findDoubleBookings('b', [
  s('a', T0, 60, 'r1', 'x'), s('b', T0 + 30 * M, 60, 'r1', 'y'), // room r1 at T0+30m
  s('c', T0 + 5 * HOUR, 60, 'r2', 'x'), s('d', T0 + 5 * HOUR + 10 * M, 60, 'r2', 'x'), // room r2 and instructor x at T0+5h10m
  s('e', T0 + 48 * HOUR, 60, 'r1', null), s('f', T0 + 48 * HOUR, 60, 'r1', null), // room r1 at T0+48h
]);
const label = (w: { code: string; details?: Record<string, unknown> }) => `${w.code}@${((w.details as { second: { seriesId: string } }).second).seriesId}`;
const mergeRows: Array<{ name: string; recorded: typeof all; found: typeof all; now: number; recomputed: (t: number) => boolean; expect: string[] }> = [
  {
    name: 'nothing recomputed: the recorded warnings, in order',
    recorded: all, found: [], now: T0 - HOUR, recomputed: () => false,
    expect: ['ROOM_DOUBLE_BOOKED@b', 'ROOM_DOUBLE_BOOKED@f', 'ROOM_DOUBLE_BOOKED@d', 'INSTRUCTOR_DOUBLE_BOOKED@d'],
  },
  {
    name: 'a recorded warning whose later session has started is dropped',
    recorded: all, found: [], now: T0 + HOUR, recomputed: () => false,
    expect: ['ROOM_DOUBLE_BOOKED@f', 'ROOM_DOUBLE_BOOKED@d', 'INSTRUCTOR_DOUBLE_BOOKED@d'],
  },
  {
    name: 'inside the recomputed part, a recorded warning not found again is dropped',
    recorded: all, found: [], now: T0 - HOUR, recomputed: (t) => t >= T0 + 24 * HOUR,
    expect: ['ROOM_DOUBLE_BOOKED@b', 'ROOM_DOUBLE_BOOKED@d', 'INSTRUCTOR_DOUBLE_BOOKED@d'],
  },
  {
    name: 'found warnings count only inside the recomputed part, merged in order',
    recorded: all.filter((w) => label(w) !== 'ROOM_DOUBLE_BOOKED@f'), found: all, now: T0 - HOUR, recomputed: (t) => t >= T0 + 24 * HOUR,
    expect: ['ROOM_DOUBLE_BOOKED@b', 'ROOM_DOUBLE_BOOKED@f', 'ROOM_DOUBLE_BOOKED@d', 'INSTRUCTOR_DOUBLE_BOOKED@d'],
  },
];
for (const row of mergeRows) {
  t.test(`mergeDoubleBookings: ${row.name}`, async (t) => {
    t.same(mergeDoubleBookings({ recorded: row.recorded, recomputed: row.recomputed }, row.found, row.now).map(label), row.expect);
  });
}
