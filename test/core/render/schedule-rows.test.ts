// A session as `get sessions` shows it: wall clock and offset in the branch
// zone, across clock changes; the JSON form's local times carry their offset.
import t from 'tap';
import { scheduleCells, scheduleJson, type ScheduleSession } from '../../../controller/core/render/schedule-rows.js';

function session(startsAt: string, endsAt: string, over: Partial<ScheduleSession> = {}): ScheduleSession {
  return {
    id: '00000000-0000-0000-0000-000000000001', seriesId: 'yoga', occurrenceKey: startsAt.slice(0, 10), title: 'Yoga',
    startsAt: new Date(startsAt), endsAt: new Date(endsAt), roomId: 'studio-a', instructorId: null,
    status: 'scheduled', detached: false, bookedCount: 3, capacity: 20, ...over,
  };
}

t.test('table cells in the branch zone', async (t) => {
  const rows = [
    { name: 'Saturday before the US change: EST', s: session('2027-03-13T14:00:00Z', '2027-03-13T15:00:00Z'), want: ['2027-03-13', 'Sat', '09:00', '10:00'], offset: '-05:00' },
    { name: 'the change day: the same 09:00 is an hour earlier in UTC (EDT)', s: session('2027-03-14T13:00:00Z', '2027-03-14T14:00:00Z'), want: ['2027-03-14', 'Sun', '09:00', '10:00'], offset: '-04:00' },
    { name: 'a 02:30 class shifted forward by the gap reads 03:30', s: session('2027-03-14T07:30:00Z', '2027-03-14T08:15:00Z'), want: ['2027-03-14', 'Sun', '03:30', '04:15'], offset: '-04:00' },
    { name: 'a class past midnight names its end date', s: session('2027-03-16T03:30:00Z', '2027-03-16T04:30:00Z'), want: ['2027-03-15', 'Mon', '23:30', '00:30 (2027-03-16)'], offset: '-04:00' },
  ];
  for (const row of rows) {
    const cells = scheduleCells(row.s, 'America/New_York', true);
    t.same(cells.slice(0, 4), row.want, row.name);
    t.equal(cells[10], row.offset, `${row.name}: offset`);
  }
  t.same(scheduleCells(session('2027-03-13T14:00:00Z', '2027-03-13T15:00:00Z'), 'America/New_York', false).slice(4), ['yoga', 'Yoga', 'studio-a', '-', 'scheduled', '3/20'], 'no instructor is a dash; booked/capacity');
});

t.test('JSON: local times with their offset, instants in UTC', async (t) => {
  const j = scheduleJson(session('2027-03-14T13:00:00Z', '2027-03-14T14:00:00Z'), 'America/New_York');
  t.match(j, { date: '2027-03-14', day: 'Sun', start: '2027-03-14T09:00:00-04:00', end: '2027-03-14T10:00:00-04:00', startsAt: '2027-03-14T13:00:00.000Z', endsAt: '2027-03-14T14:00:00.000Z', timezone: 'America/New_York' });
  t.equal(Date.parse(j.start), Date.parse(j.startsAt), 'the local time and the instant are the same moment');
});
