// Local wall-clock time → instant. Expected instants come from tzdata as
// Temporal reports it for 2026 (transition dates checked with
// ZonedDateTime.getTimeZoneTransition before writing the rows):
//   America/New_York     gap 2026-03-08 02:00–03:00, overlap 2026-11-01 01:00–02:00
//   Europe/London/Dublin gap 2026-03-29 01:00–02:00, overlap 2026-10-25 01:00–02:00
//   Australia/Lord_Howe  gap 2026-10-04 02:00–02:30 (+10:30 → +11), overlap 2026-04-05 01:30–02:00
//   America/Santiago     gap 2026-09-06 00:00–01:00, overlap 2026-04-04 23:00–24:00
//   America/Havana       gap 2026-03-08 00:00–01:00, overlap 2026-11-01 00:00–01:00
import t from 'tap';
import fc from 'fast-check';
import { Temporal } from '@js-temporal/polyfill';
import { classifyWallClock, wallClockToInstant, type DstPolicy } from '../../../controller/core/generation/zoned-time.js';
import { temporalOffsetMs, zoneOffsetTable } from '../../../controller/core/generation/zone-offsets.js';
import { iso } from './generation-fixtures.js';

const wall = (text: string): number => Date.parse(`${text}:00Z`);
const policy = (nonexistentTime: DstPolicy['nonexistentTime'], ambiguousTime: DstPolicy['ambiguousTime']): DstPolicy => ({
  nonexistentTime,
  ambiguousTime,
});

t.test('a start time in a spring-forward gap: shiftForward moves it by the gap, skip drops it', async (t) => {
  const rows = [
    { name: 'America/New_York 02:30 → 03:30 EDT', zone: 'America/New_York', local: '2026-03-08T02:30', shifted: '2026-03-08T07:30:00Z' },
    { name: 'America/New_York 02:00 (first gap minute) → 03:00 EDT', zone: 'America/New_York', local: '2026-03-08T02:00', shifted: '2026-03-08T07:00:00Z' },
    { name: 'Europe/London 01:30 → 02:30 BST', zone: 'Europe/London', local: '2026-03-29T01:30', shifted: '2026-03-29T01:30:00Z' },
    { name: 'Australia/Lord_Howe 02:15 → 02:45 (+11:00), a 30-minute shift', zone: 'Australia/Lord_Howe', local: '2026-10-04T02:15', shifted: '2026-10-03T15:45:00Z' },
    { name: 'America/Santiago 00:00 → 01:00 (-03:00), midnight does not exist', zone: 'America/Santiago', local: '2026-09-06T00:00', shifted: '2026-09-06T04:00:00Z' },
    { name: 'America/Havana 00:00 → 01:00 CDT, midnight does not exist', zone: 'America/Havana', local: '2026-03-08T00:00', shifted: '2026-03-08T05:00:00Z' },
    { name: 'Europe/Dublin 01:30 → 02:30 IST (tzdata calls winter the negative DST)', zone: 'Europe/Dublin', local: '2026-03-29T01:30', shifted: '2026-03-29T01:30:00Z' },
  ];
  for (const row of rows) {
    t.equal(classifyWallClock(row.zone, wall(row.local)), 'gap', `${row.name}: the time is in a gap`);
    for (const ambiguous of ['earlier', 'later'] as const) {
      t.equal(iso(wallClockToInstant(row.zone, wall(row.local), policy('shiftForward', ambiguous))), row.shifted, `${row.name} (shiftForward, ${ambiguous})`);
      t.ok(Number.isNaN(wallClockToInstant(row.zone, wall(row.local), policy('skip', ambiguous))), `${row.name} (skip, ${ambiguous}) is skipped`);
    }
  }
});

t.test('a start time repeated by a fall-back: earlier or later instant', async (t) => {
  const rows = [
    { name: 'America/New_York 01:30 EDT or EST', zone: 'America/New_York', local: '2026-11-01T01:30', earlier: '2026-11-01T05:30:00Z', later: '2026-11-01T06:30:00Z' },
    { name: 'Europe/London 01:30 BST or GMT', zone: 'Europe/London', local: '2026-10-25T01:30', earlier: '2026-10-25T00:30:00Z', later: '2026-10-25T01:30:00Z' },
    { name: 'Europe/Dublin 01:30 IST or GMT (negative DST: same instants as London)', zone: 'Europe/Dublin', local: '2026-10-25T01:30', earlier: '2026-10-25T00:30:00Z', later: '2026-10-25T01:30:00Z' },
    { name: 'Australia/Lord_Howe 01:45, 30 minutes apart', zone: 'Australia/Lord_Howe', local: '2026-04-05T01:45', earlier: '2026-04-04T14:45:00Z', later: '2026-04-04T15:15:00Z' },
    { name: 'America/Santiago Saturday 23:30 happens twice', zone: 'America/Santiago', local: '2026-04-04T23:30', earlier: '2026-04-05T02:30:00Z', later: '2026-04-05T03:30:00Z' },
    { name: 'America/Havana 00:30 happens twice', zone: 'America/Havana', local: '2026-11-01T00:30', earlier: '2026-11-01T04:30:00Z', later: '2026-11-01T05:30:00Z' },
  ];
  for (const row of rows) {
    t.equal(classifyWallClock(row.zone, wall(row.local)), 'overlap', `${row.name}: the time is repeated`);
    for (const nonexistent of ['shiftForward', 'skip'] as const) {
      t.equal(iso(wallClockToInstant(row.zone, wall(row.local), policy(nonexistent, 'earlier'))), row.earlier, `${row.name} (earlier, ${nonexistent})`);
      t.equal(iso(wallClockToInstant(row.zone, wall(row.local), policy(nonexistent, 'later'))), row.later, `${row.name} (later, ${nonexistent})`);
    }
  }
});

t.test('times next to a transition are ordinary', async (t) => {
  const rows = [
    { name: 'New York 01:59 before the gap (EST)', zone: 'America/New_York', local: '2026-03-08T01:59', want: '2026-03-08T06:59:00Z' },
    { name: 'New York 03:00 right after the gap (EDT)', zone: 'America/New_York', local: '2026-03-08T03:00', want: '2026-03-08T07:00:00Z' },
    { name: 'New York 02:00 after the overlap (EST)', zone: 'America/New_York', local: '2026-11-01T02:00', want: '2026-11-01T07:00:00Z' },
    { name: 'New York 00:59 before the overlap (EDT)', zone: 'America/New_York', local: '2026-11-01T00:59', want: '2026-11-01T04:59:00Z' },
    { name: 'Lord Howe 02:30 right after its half-hour gap', zone: 'Australia/Lord_Howe', local: '2026-10-04T02:30', want: '2026-10-03T15:30:00Z' },
    { name: 'Santiago 01:00 after the skipped midnight', zone: 'America/Santiago', local: '2026-09-06T01:00', want: '2026-09-06T04:00:00Z' },
  ];
  for (const row of rows) {
    t.equal(classifyWallClock(row.zone, wall(row.local)), 'unique', `${row.name}: exists once`);
    t.equal(iso(wallClockToInstant(row.zone, wall(row.local), policy('skip', 'later'))), row.want, row.name);
  }
});

t.test('a wall-clock start keeps its local time across DST (09:00 before and after)', async (t) => {
  const p = policy('shiftForward', 'earlier');
  t.equal(iso(wallClockToInstant('America/New_York', wall('2026-03-07T09:00'), p)), '2026-03-07T14:00:00Z', 'EST: UTC-5');
  t.equal(iso(wallClockToInstant('America/New_York', wall('2026-03-09T09:00'), p)), '2026-03-09T13:00:00Z', 'EDT: UTC-4');
});

const ZONES = Intl.supportedValuesOf('timeZone');

/** Temporal's own answer under a policy: the oracle of the fast path. */
function temporalInstant(zone: string, wallMs: number, p: DstPolicy): number {
  const pdt = Temporal.Instant.fromEpochMilliseconds(wallMs).toZonedDateTimeISO('UTC').toPlainDateTime();
  const earlier = pdt.toZonedDateTime(zone, { disambiguation: 'earlier' });
  const later = pdt.toZonedDateTime(zone, { disambiguation: 'later' });
  const inGap = !earlier.toPlainDateTime().equals(pdt);
  if (inGap) return p.nonexistentTime === 'skip' ? NaN : pdt.toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
  return (p.ambiguousTime === 'earlier' ? earlier : later).epochMilliseconds;
}

t.test('property: the offset table equals Temporal at random instants of random zones', async (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ZONES),
      fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2060, 0, 1) }),
      (zone, instant) => zoneOffsetTable(zone).offsetAt(instant) === temporalOffsetMs(zone, instant),
    ),
    { numRuns: 400 },
  );
  t.pass('400 random (zone, instant) pairs agree');
});

/**
 * A wall-clock time within 75 minutes of a real transition of the zone (found
 * with Temporal, so the table under test does not choose its own inputs).
 * Uniformly random times land in a gap or an overlap about once in 2,500 draws.
 */
function wallNearTransition(zone: string, fromMs: number, deltaMinutes: number): number {
  const start = Temporal.Instant.fromEpochMilliseconds(fromMs).toZonedDateTimeISO(zone);
  const next = start.getTimeZoneTransition('next');
  const pivot = next ?? start;
  const before = pivot.subtract({ milliseconds: 1 });
  return pivot.epochMilliseconds + before.offsetNanoseconds / 1e6 + deltaMinutes * 60_000;
}

t.test('property: the fast path equals Temporal for random zones, dates, times and policies', async (t) => {
  const wallTime = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({ zone: fc.constantFrom(...ZONES), from: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2026, 0, 1) }), delta: fc.integer({ min: -75, max: 75 }) })
        .map((r) => ({ zone: r.zone, wallMs: Math.floor(wallNearTransition(r.zone, r.from, r.delta) / 60_000) * 60_000 })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ zone: fc.constantFrom(...ZONES), day: fc.integer({ min: 0, max: 365 * 70 }), minutes: fc.integer({ min: 0, max: 24 * 60 - 1 }) })
        .map((r) => ({ zone: r.zone, wallMs: Date.UTC(1990, 0, 1) + r.day * 86_400_000 + r.minutes * 60_000 })),
    },
  );
  const policies = fc.record({ nonexistentTime: fc.constantFrom('shiftForward' as const, 'skip' as const), ambiguousTime: fc.constantFrom('earlier' as const, 'later' as const) });
  const kinds = { unique: 0, gap: 0, overlap: 0 };
  fc.assert(
    fc.property(wallTime, policies, ({ zone, wallMs }, p) => {
      kinds[classifyWallClock(zone, wallMs)] += 1;
      return Object.is(wallClockToInstant(zone, wallMs, p), temporalInstant(zone, wallMs, p));
    }),
    { numRuns: 1500 },
  );
  t.pass(`1500 random conversions agree with Temporal (${kinds.unique} unique, ${kinds.gap} in gaps, ${kinds.overlap} in overlaps)`);
  t.ok(kinds.gap >= 30 && kinds.overlap >= 30, 'the draws reach gaps and overlaps often enough to mean something');
});

t.test('every transition of 2026 in the worked zones is found, at the instant Temporal reports', async (t) => {
  for (const zone of ['America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'America/Havana', 'Europe/Dublin']) {
    const found = zoneOffsetTable(zone).transitionsBetween(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    const expected: number[] = [];
    let z: Temporal.ZonedDateTime | null = Temporal.Instant.fromEpochMilliseconds(Date.UTC(2026, 0, 1)).toZonedDateTimeISO(zone);
    while ((z = z.getTimeZoneTransition('next')) !== null && z.epochMilliseconds < Date.UTC(2027, 0, 1)) expected.push(z.epochMilliseconds);
    t.same(found.map((x) => x.atMs), expected, `${zone}: two transitions in 2026`);
  }
});
