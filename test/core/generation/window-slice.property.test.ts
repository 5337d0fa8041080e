// Property: generating only some ranges of keys (a window slice, what an
// incremental run generates for a series whose earlier sessions exist) gives
// exactly what a full generation gives inside those ranges — the same
// sessions with the same instants, the same DST skips — over random rules
// (DAILY/WEEKLY expanded directly, MONTHLY/YEARLY, BYSETPOS, COUNT and UNTIL
// through rrule.js), zones with and without DST, exdates, closures and `now`.
import t from 'tap';
import fc from 'fast-check';
import { desiredSessions, type GenerationResult } from '../../../controller/core/generation/desired-sessions.js';
import { addDays, epochDayOf, localDateOfEpochDay } from '../../../controller/core/generation/local-date.js';
import { clearExpansionMemo } from '../../../controller/core/generation/recurrence.js';
import type { LocalDate } from '../../../controller/core/types.js';
import { series, settings } from './generation-fixtures.js';

const RULES = [
  'FREQ=DAILY',
  'FREQ=DAILY;INTERVAL=3',
  'FREQ=WEEKLY;BYDAY=MO,WE,FR',
  'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SA;WKST=SU',
  'FREQ=DAILY;COUNT=40',
  'FREQ=WEEKLY;BYDAY=TH;COUNT=12',
  'FREQ=DAILY;UNTIL=20260415T000000Z',
  'FREQ=MONTHLY;BYDAY=2TU',
  'FREQ=MONTHLY;BYMONTHDAY=1,15,31',
  'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
  'FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU',
  'FREQ=MONTHLY;INTERVAL=2;COUNT=9',
];
const ZONES = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];

type Range = { from: LocalDate; to: LocalDate | null };

/** What a full generation gives inside the ranges. */
function insideRanges(full: GenerationResult, ranges: Range[]): { keys: string[]; starts: number[]; skipped: string[] } {
  const inside = (key: string) => ranges.some((r) => key >= r.from && (r.to === null || key <= r.to));
  const sessions = full.sessions.filter((s) => inside(s.occurrenceKey));
  return { keys: sessions.map((s) => s.occurrenceKey), starts: sessions.map((s) => s.startsAt), skipped: full.skippedByDst.filter(inside) };
}

t.test('property: a window slice is the full generation restricted to its ranges', async (t) => {
  const scenario = fc.record({
    rrule: fc.constantFrom(...RULES),
    zone: fc.constantFrom(...ZONES),
    startDay: fc.integer({ min: epochDayOf('2025-10-01'), max: epochDayOf('2026-06-01') }),
    startMinutes: fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(90, 120, 150)),
    nowDayOffset: fc.integer({ min: -20, max: 200 }),
    nowMinute: fc.integer({ min: 0, max: 1439 }),
    horizonDays: fc.integer({ min: 0, max: 90 }),
    lengthDays: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
    exdateOffsets: fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 4 }),
    closureOffsets: fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 4 }),
    nonexistentTime: fc.constantFrom('shiftForward' as const, 'skip' as const),
    // Up to three ranges as offsets from today: [a, b], [c, d], [e, open end).
    cuts: fc.array(fc.integer({ min: -5, max: 100 }), { minLength: 1, maxLength: 5 }),
    openEnd: fc.boolean(),
  });
  let sessionsCompared = 0;
  fc.assert(
    fc.property(scenario, (s) => {
      const startDate = localDateOfEpochDay(s.startDay);
      const now = (s.startDay + s.nowDayOffset) * 86_400_000 + s.nowMinute * 60_000;
      const today = localDateOfEpochDay(Math.floor(now / 86_400_000));
      const cuts = [...new Set(s.cuts)].sort((a, b) => a - b);
      const ranges: Range[] = [];
      for (let i = 0; i < cuts.length; i += 2) {
        const last = i + 1 >= cuts.length;
        ranges.push({ from: addDays(today, cuts[i]!), to: last && s.openEnd ? null : addDays(today, cuts[Math.min(i + 1, cuts.length - 1)]!) });
      }
      const input = {
        series: series({
          rrule: s.rrule,
          startDate,
          endDate: s.lengthDays === null ? null : addDays(startDate, s.lengthDays),
          startTime: `${String(Math.floor(s.startMinutes / 60)).padStart(2, '0')}:${String(s.startMinutes % 60).padStart(2, '0')}`,
          exdates: s.exdateOffsets.map((d) => addDays(startDate, d)).sort(),
        }),
        timezone: s.zone,
        settings: settings({
          generation: { horizonDays: s.horizonDays },
          closures: Object.fromEntries(s.closureOffsets.map((d) => [addDays(startDate, d), 'closed'])),
          dst: { nonexistentTime: s.nonexistentTime, ambiguousTime: 'earlier' },
        }),
        now,
      };
      const full = desiredSessions(input);
      // A cold slice (no memo) and a warm one must agree with the full generation.
      clearExpansionMemo();
      const slice = desiredSessions({ ...input, keyRanges: ranges });
      const expected = insideRanges(full, ranges);
      const got = { keys: slice.sessions.map((x) => x.occurrenceKey), starts: slice.sessions.map((x) => x.startsAt), skipped: slice.skippedByDst };
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        throw new Error(`slice ${JSON.stringify(ranges)} differs: got ${JSON.stringify(got)}, full gives ${JSON.stringify(expected)}`);
      }
      if (JSON.stringify(slice.window) !== JSON.stringify(full.window)) throw new Error('the slice reports another window');
      const reachesEnd = full.window !== null && ranges.at(-1)!.to === null;
      if (reachesEnd && JSON.stringify(slice.problems) !== JSON.stringify(full.problems)) throw new Error('problems differ though the slice reaches the window end');
      sessionsCompared += expected.keys.length;
    }),
    { numRuns: 1500, seed: 20261125 },
  );
  t.ok(sessionsCompared > 2000, `the draws compared many sessions (${sessionsCompared})`);
});

// Table: the edges named one by one.
const cases: Array<{ name: string; rrule: string; endOffset: number | null; ranges: Array<[number, number | null]> }> = [
  { name: 'a COUNT rule: keys counted from the start, slice after most of them', rrule: 'FREQ=DAILY;COUNT=30', endOffset: null, ranges: [[25, null]] },
  { name: 'an UNTIL that ends inside the slice', rrule: 'FREQ=DAILY;UNTIL=20260320T000000Z', endOffset: null, ranges: [[10, null]] },
  { name: 'a slice that starts after the end date: nothing', rrule: 'FREQ=DAILY', endOffset: 5, ranges: [[10, null]] },
  { name: 'two ranges with a gap between them', rrule: 'FREQ=WEEKLY;BYDAY=MO,TH', endOffset: null, ranges: [[0, 3], [20, null]] },
  { name: 'a range before the window start: clipped', rrule: 'FREQ=DAILY', endOffset: null, ranges: [[-10, 2]] },
];
for (const c of cases) {
  t.test(c.name, async (t) => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const today = '2026-03-01';
    const input = {
      series: series({ rrule: c.rrule, startDate: '2026-02-20', endDate: c.endOffset === null ? null : addDays(today, c.endOffset), startTime: '09:00' }),
      timezone: 'Europe/London',
      settings: settings({ generation: { horizonDays: 40 } }),
      now,
    };
    const ranges = c.ranges.map(([a, b]) => ({ from: addDays(today, a), to: b === null ? null : addDays(today, b) }));
    const full = desiredSessions(input);
    const slice = desiredSessions({ ...input, keyRanges: ranges });
    t.same(slice.sessions, full.sessions.filter((s) => ranges.some((r) => s.occurrenceKey >= r.from && (r.to === null || s.occurrenceKey <= r.to))));
  });
}
