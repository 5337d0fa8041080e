import t from 'tap';
import { findDoubleBookings } from '../../controller/core/double-booking.js';
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
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    t.same(findDoubleBookings('b', row.sessions).map((w) => w.code), row.codes);
  });
}
