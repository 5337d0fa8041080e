// Double bookings among stored sessions (the console's schedule), and the
// days of a schedule with their DST changes and closures.
import t from 'tap';
import { createConflictSweep, MAX_CONFLICTS_PER_SESSION, type SweptSession } from '../../../controller/core/schedule/schedule-conflicts.js';
import { scheduleDays } from '../../../controller/core/schedule/schedule-days.js';

const H = 3_600_000;
const s = (id: string, startH: number, endH: number, over: Partial<SweptSession> = {}): SweptSession => ({
  id, seriesId: `series-${id}`, startMs: startH * H, endMs: endH * H, roomId: 'a', instructorId: null, status: 'scheduled', ...over,
});

t.test('createConflictSweep', async (t) => {
  const rows: Array<{ name: string; sessions: SweptSession[]; expected: Record<string, string[]> }> = [
    { name: 'overlapping in one room: both name each other', sessions: [s('x', 9, 10), s('y', 9.5, 10.5)], expected: { x: ['room:y'], y: ['room:x'] } },
    { name: 'one ends as the next starts: no overlap', sessions: [s('x', 9, 10), s('y', 10, 11)], expected: { x: [], y: [] } },
    { name: 'different rooms, same time: none', sessions: [s('x', 9, 10), s('y', 9, 10, { roomId: 'b' })], expected: { x: [], y: [] } },
    { name: 'no room at all is no shared room', sessions: [s('x', 9, 10, { roomId: null }), s('y', 9, 10, { roomId: null })], expected: { x: [], y: [] } },
    { name: 'the same instructor in two rooms', sessions: [s('x', 9, 10, { instructorId: 'ana' }), s('y', 9, 10, { roomId: 'b', instructorId: 'ana' })], expected: { x: ['instructor:y'], y: ['instructor:x'] } },
    { name: 'same room and instructor: both kinds', sessions: [s('x', 9, 10, { instructorId: 'ana' }), s('y', 9, 10, { instructorId: 'ana' })], expected: { x: ['room:y', 'instructor:y'], y: ['room:x', 'instructor:x'] } },
    { name: 'a cancelled session books nothing', sessions: [s('x', 9, 10), s('y', 9, 10, { status: 'cancelled' })], expected: { x: [], y: [] } },
    { name: 'a long class overlaps two short ones that do not overlap each other', sessions: [s('long', 8, 12), s('p', 9, 10), s('q', 10, 11)], expected: { long: ['room:p', 'room:q'], p: ['room:long'], q: ['room:long'] } },
    { name: 'a session that started before the others and still runs', sessions: [s('early', 6, 11), s('mid', 7, 8), s('late', 10, 12)], expected: { early: ['room:mid', 'room:late'], mid: ['room:early'], late: ['room:early'] } },
  ];
  for (const row of rows) {
    const sweep = createConflictSweep();
    for (const x of row.sessions) sweep.add(x);
    const got = Object.fromEntries(row.sessions.map((x) => [x.id, sweep.conflictsOf(x.id).map((c) => `${c.kind}:${c.sessionId}`)]));
    t.same(got, row.expected, row.name);
  }

  t.test('a session overlapping many is listed with the first few', async (t) => {
    const sweep = createConflictSweep();
    sweep.add(s('big', 0, 24));
    for (let i = 0; i < 30; i++) sweep.add(s(`p${i}`, 1 + i * 0.1, 2 + i * 0.1, { roomId: 'a' }));
    t.equal(sweep.conflictsOf('big').length, MAX_CONFLICTS_PER_SESSION);
  });

  t.test('sessions out of start order are a programming error', async (t) => {
    const sweep = createConflictSweep();
    sweep.add(s('x', 10, 11));
    t.throws(() => sweep.add(s('y', 9, 10)), RangeError);
  });
});

t.test('scheduleDays', async (t) => {
  const rows = [
    { name: 'New York spring forward: a 23-hour day', zone: 'America/New_York', from: '2027-03-13', dates: { '2027-03-14': { offsetBefore: '-05:00', offsetAfter: '-04:00' } } },
    { name: 'Lord Howe: a half-hour change', zone: 'Australia/Lord_Howe', from: '2026-10-03', dates: { '2026-10-04': { offsetBefore: '+10:30', offsetAfter: '+11:00' } } },
    { name: 'Santiago: the clocks jump at midnight, so the day starts at 01:00, already past the change', zone: 'America/Santiago', from: '2026-09-05', dates: { '2026-09-06': { offsetBefore: '-04:00', offsetAfter: '-03:00' } } },
    { name: 'Santiago falls back at midnight: the Saturday before has 25 hours', zone: 'America/Santiago', from: '2027-04-02', dates: { '2027-04-03': { offsetBefore: '-03:00', offsetAfter: '-04:00' } } },
    { name: 'UTC: no change ever', zone: 'UTC', from: '2027-03-13', dates: {} },
  ];
  for (const row of rows) {
    const days = scheduleDays(row.from, 3, row.zone, null);
    t.equal(days.length, 3, row.name);
    const changed = Object.fromEntries(days.filter((d) => d.dstChange !== null).map((d) => [d.date, d.dstChange]));
    t.same(changed, row.dates, `${row.name}: the change is marked on that day only`);
  }
  t.test('closures: none listed when the settings do not resolve', async (t) => {
    t.same(scheduleDays('2026-12-25', 1, 'UTC', null)[0]!.closures, []);
    t.same(scheduleDays('2026-12-25', 1, 'UTC', { '2026-12-25': '' })[0]!.closures, [{ reason: null, allDay: true, start: null, end: null }], 'an empty reason is null');
  });
});
