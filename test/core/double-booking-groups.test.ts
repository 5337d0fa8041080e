// Double bookings in the text plan: one line per resource and pair of series.
import t from 'tap';
import { describeDoubleBookingGroup, groupDoubleBookings } from '../../controller/core/double-booking-groups.js';
import { findDoubleBookings } from '../../controller/core/double-booking.js';
import type { PlanWarning } from '../../controller/core/plan-types.js';
import type { DesiredSession } from '../../controller/core/types.js';

const M = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 7, 14, 0); // Monday 2026-12-07 14:00Z

function session(seriesId: string, start: number, minutes: number, room: string | null, instructor: string | null): DesiredSession {
  const occurrenceKey = new Date(start).toISOString().slice(0, 10);
  return { seriesId, branchId: 'b', occurrenceKey, title: seriesId, startsAt: start, endsAt: start + minutes * M, timezone: 'UTC', instructorId: instructor, roomId: room, capacity: 10 };
}
const weekly = (seriesId: string, start: number, weeks: number, room: string | null, instructor: string | null) =>
  Array.from({ length: weeks }, (_, i) => session(seriesId, start + i * 7 * DAY, 60, room, instructor));

const rows: Array<{ name: string; sessions: DesiredSession[]; expected: Array<{ code: string; resourceId: string; seriesIds: [string, string]; dates: number; firstDate: string }> }> = [
  {
    name: 'two weekly series in one room for five weeks: one group of five dates',
    sessions: [...weekly('yoga', T0, 5, 'r1', 'ana'), ...weekly('spin', T0 + 30 * M, 5, 'r1', 'bo')],
    expected: [{ code: 'ROOM_DOUBLE_BOOKED', resourceId: 'r1', seriesIds: ['yoga', 'spin'], dates: 5, firstDate: '2026-12-07' }],
  },
  {
    name: 'a single overlap: one group of one date',
    sessions: [session('yoga', T0, 60, 'r1', null), session('spin', T0 + 30 * M, 60, 'r1', null)],
    expected: [{ code: 'ROOM_DOUBLE_BOOKED', resourceId: 'r1', seriesIds: ['yoga', 'spin'], dates: 1, firstDate: '2026-12-07' }],
  },
  {
    name: 'the pair in either order (who starts first changes) is still one group',
    sessions: [session('yoga', T0, 60, 'r1', null), session('spin', T0 + 30 * M, 60, 'r1', null), session('spin', T0 + 7 * DAY, 60, 'r1', null), session('yoga', T0 + 7 * DAY + 30 * M, 60, 'r1', null)],
    expected: [{ code: 'ROOM_DOUBLE_BOOKED', resourceId: 'r1', seriesIds: ['yoga', 'spin'], dates: 2, firstDate: '2026-12-07' }],
  },
  {
    name: 'room and instructor clashes of the same pair are two groups',
    sessions: [...weekly('yoga', T0, 2, 'r1', 'ana'), ...weekly('spin', T0 + 30 * M, 2, 'r1', 'ana')],
    expected: [
      { code: 'ROOM_DOUBLE_BOOKED', resourceId: 'r1', seriesIds: ['yoga', 'spin'], dates: 2, firstDate: '2026-12-07' },
      { code: 'INSTRUCTOR_DOUBLE_BOOKED', resourceId: 'ana', seriesIds: ['yoga', 'spin'], dates: 2, firstDate: '2026-12-07' },
    ],
  },
  {
    name: 'three series in one room: one group per pair that overlaps',
    sessions: [session('a', T0, 180, 'r1', null), session('b', T0 + 10 * M, 10, 'r1', null), session('c', T0 + 120 * M, 30, 'r1', null)],
    expected: [
      { code: 'ROOM_DOUBLE_BOOKED', resourceId: 'r1', seriesIds: ['a', 'b'], dates: 1, firstDate: '2026-12-07' },
      { code: 'ROOM_DOUBLE_BOOKED', resourceId: 'r1', seriesIds: ['a', 'c'], dates: 1, firstDate: '2026-12-07' },
    ],
  },
  { name: 'no overlap: no group', sessions: weekly('yoga', T0, 3, 'r1', 'ana'), expected: [] },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    t.match(groupDoubleBookings(findDoubleBookings('b', row.sessions)), row.expected);
    t.equal(groupDoubleBookings(findDoubleBookings('b', row.sessions)).length, row.expected.length);
  });
}

t.test('other warnings are ignored, and the same resource in two branches is two groups', async (t) => {
  const w = (branchId: string): PlanWarning[] => findDoubleBookings(branchId, [session('yoga', T0, 60, 'r1', null), session('spin', T0, 60, 'r1', null)]);
  const other: PlanWarning = { code: 'BOOKED_SESSION_CHANGED', branchId: 'b', message: 'x', details: {} };
  t.same(groupDoubleBookings([...w('b1'), other, ...w('b2')]).map((g) => g.branchId), ['b1', 'b2']);
});

t.test('the line names the resource, the pair, the count of dates and the first', async (t) => {
  const [g] = groupDoubleBookings(findDoubleBookings('b', [...weekly('yoga', T0, 4, 'r1', null), ...weekly('spin', T0, 4, 'r1', null)]));
  t.equal(describeDoubleBookingGroup(g!), 'Room "r1" (branch b) is booked twice on 4 dates, the first 2026-12-07: series "spin" overlaps series "yoga"; change one series\' time, room or instructor if this is not intended.');
  const [one] = groupDoubleBookings(findDoubleBookings('b', [session('yoga', T0, 60, null, 'ana'), session('spin', T0, 60, null, 'ana')]));
  t.match(describeDoubleBookingGroup(one!), /^Instructor "ana" \(branch b\) is booked twice on 2026-12-07: /);
});
