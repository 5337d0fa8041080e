// The console's browser modules that need no DOM, run in Node: the week
// grid's geometry (controller/server/console/week-layout.js: each session on
// its local date, overlapping sessions in side-by-side lanes, the hours shown)
// and its date arithmetic (controller/server/console/time.js).
import t from 'tap';

interface Timed {
  id: string;
  localDate: string;
  localStart: string;
  localEnd: string;
}
interface Placed {
  session: Timed;
  startMin: number;
  endMin: number;
  lane: number;
  lanes: number;
}
type LayoutWeek = (dates: string[], sessions: Timed[]) => { byDate: Map<string, Placed[]>; firstMin: number; lastMin: number };

interface TimeModule {
  addDays(date: string, days: number): string;
  mondayOf(date: string): string;
  localParts(iso: string, timeZone: string): { date: string; time: string };
  dayLabel(date: string): string;
}

// Plain browser modules: loaded by URL, typed here.
const consoleModule = (name: string) => new URL(`../../controller/server/console/${name}`, import.meta.url).href;
const { layoutWeek } = (await import(consoleModule('week-layout.js'))) as { layoutWeek: LayoutWeek };
const time = (await import(consoleModule('time.js'))) as TimeModule;

const DAY = '2026-11-30';
const s = (id: string, localStart: string, localEnd: string, localDate = DAY): Timed => ({ id, localDate, localStart, localEnd });

/** id → [lane, lanes] for the day. */
function lanes(sessions: Timed[]): Record<string, [number, number]> {
  const placed = layoutWeek([DAY], sessions).byDate.get(DAY) ?? [];
  return Object.fromEntries(placed.map((p) => [p.session.id, [p.lane, p.lanes]]));
}

const rows: Array<{ name: string; sessions: Timed[]; want: Record<string, [number, number]> }> = [
  { name: 'one session: one lane', sessions: [s('a', '07:00', '08:00')], want: { a: [0, 1] } },
  { name: 'back to back (one ends as the next starts): no overlap', sessions: [s('a', '07:00', '08:00'), s('b', '08:00', '09:00')], want: { a: [0, 1], b: [0, 1] } },
  { name: 'two overlapping: two lanes', sessions: [s('a', '12:15', '12:45'), s('b', '12:15', '12:45')], want: { a: [0, 2], b: [1, 2] } },
  {
    name: 'a chain a–b–c where a and c do not meet: c reuses lane 0, all three share the cluster width',
    sessions: [s('a', '09:00', '10:00'), s('b', '09:30', '10:30'), s('c', '10:00', '11:00')],
    want: { a: [0, 2], b: [1, 2], c: [0, 2] },
  },
  {
    name: 'a later cluster starts afresh',
    sessions: [s('a', '09:00', '10:00'), s('b', '09:30', '10:30'), s('c', '18:00', '19:00')],
    want: { a: [0, 2], b: [1, 2], c: [0, 1] },
  },
  { name: 'three at once: three lanes', sessions: [s('a', '18:30', '19:15'), s('b', '18:30', '19:30'), s('c', '18:45', '19:00')], want: { b: [0, 3], a: [1, 3], c: [2, 3] } },
];

t.test('overlapping sessions get lanes side by side', async (t) => {
  for (const row of rows) t.strictSame(lanes(row.sessions), row.want, row.name);
});

t.test('a session is placed on its local date only, and the hours shown cover what is there', async (t) => {
  const week = ['2026-11-30', '2026-12-01'];
  const r = layoutWeek(week, [s('a', '07:30', '08:20'), s('b', '19:00', '20:00', '2026-12-01'), s('x', '10:00', '11:00', '2026-12-09')]);
  t.strictSame(r.byDate.get('2026-11-30')!.map((p) => p.session.id), ['a']);
  t.strictSame(r.byDate.get('2026-12-01')!.map((p) => p.session.id), ['b']);
  t.equal([...r.byDate.values()].flat().length, 2, 'a session outside the dates is not drawn');
  t.equal(r.firstMin, 7 * 60, 'from the hour of the first start');
  t.equal(r.lastMin, 20 * 60, 'to the hour after the last end');
});

t.test('edge cases of times', async (t) => {
  const cases: Array<{ name: string; session: Timed; startMin: number; endMin: number }> = [
    { name: 'ends after midnight: drawn to the end of its day', session: s('a', '23:30', '00:30'), startMin: 23 * 60 + 30, endMin: 24 * 60 },
    { name: 'no length: drawn to the end of the day', session: s('a', '22:00', '22:00'), startMin: 22 * 60, endMin: 24 * 60 },
    { name: 'midnight start', session: s('a', '00:00', '01:00'), startMin: 0, endMin: 60 },
  ];
  for (const c of cases) {
    const p = layoutWeek([DAY], [c.session]).byDate.get(DAY)![0]!;
    t.strictSame([p.startMin, p.endMin], [c.startMin, c.endMin], c.name);
  }
  const empty = layoutWeek([DAY], []);
  t.strictSame([empty.firstMin, empty.lastMin], [8 * 60, 18 * 60], 'an empty week shows 08:00 to 18:00');
});

t.test('local dates step by calendar days, weeks start on Monday', async (t) => {
  const rows: Array<{ name: string; got: () => string; want: string }> = [
    { name: 'Monday is its own week start', got: () => time.mondayOf('2026-11-30'), want: '2026-11-30' },
    { name: 'Sunday belongs to the week before', got: () => time.mondayOf('2026-12-06'), want: '2026-11-30' },
    { name: 'a week across the new year', got: () => time.mondayOf('2027-01-01'), want: '2026-12-28' },
    { name: 'a week across the spring-forward day (no zone involved)', got: () => time.addDays('2027-03-08', 7), want: '2027-03-15' },
    { name: 'back across a month end', got: () => time.addDays('2026-12-07', -7), want: '2026-11-30' },
    { name: 'a leap day', got: () => time.addDays('2028-02-28', 1), want: '2028-02-29' },
    { name: 'day label', got: () => time.dayLabel('2026-12-25'), want: 'Fri 25 Dec' },
  ];
  for (const row of rows) t.equal(row.got(), row.want, row.name);
});

t.test("an instant is shown in the branch's zone, both sides of a DST change", async (t) => {
  const rows: Array<{ name: string; iso: string; zone: string; want: { date: string; time: string } }> = [
    { name: 'New York before fall-back (EDT)', iso: '2026-11-01T05:30:00Z', zone: 'America/New_York', want: { date: '2026-11-01', time: '01:30' } },
    { name: 'New York the repeated hour (EST)', iso: '2026-11-01T06:30:00Z', zone: 'America/New_York', want: { date: '2026-11-01', time: '01:30' } },
    { name: 'London after spring-forward (BST)', iso: '2027-03-28T01:30:00Z', zone: 'Europe/London', want: { date: '2027-03-28', time: '02:30' } },
    { name: 'Sydney on the next local day', iso: '2026-11-30T20:00:00Z', zone: 'Australia/Sydney', want: { date: '2026-12-01', time: '07:00' } },
    { name: 'midnight is 00:00, not 24:00', iso: '2026-12-01T05:00:00Z', zone: 'America/New_York', want: { date: '2026-12-01', time: '00:00' } },
  ];
  for (const row of rows) t.strictSame(time.localParts(row.iso, row.zone), row.want, row.name);
});
