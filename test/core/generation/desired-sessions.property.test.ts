// Property: over random zones, start times, dates, horizons, `now` and
// policies, every generated session shows the series' start time on the
// branch's wall clock — except where the gap policy moved it, and then by
// exactly Temporal's 'compatible' answer — keys are unique and sorted, every
// session lies inside the window and after now, and every window date is
// accounted for (a session, an exdate, a closure, a DST skip, or already started).
import t from 'tap';
import fc from 'fast-check';
import { Temporal } from '@js-temporal/polyfill';
import { desiredSessions } from '../../../controller/core/generation/desired-sessions.js';
import { addDays, epochDayOf, localDateOfEpochDay } from '../../../controller/core/generation/local-date.js';
import { series, settings } from './generation-fixtures.js';

const ZONES = Intl.supportedValuesOf('timeZone');
// Zones whose transitions are at unusual hours or sizes, drawn more often than their share.
const AWKWARD = ['America/New_York', 'Europe/London', 'Europe/Dublin', 'Australia/Lord_Howe', 'America/Santiago', 'America/Havana', 'Asia/Tehran', 'America/St_Johns', 'Pacific/Chatham'];

/**
 * Aims a draw at a real transition of the zone (found with Temporal, not with
 * the code under test): the start time lands within an hour of the clock
 * change and the series starts a few days before it. Uniform draws hit a gap
 * or an overlap once in thousands.
 */
function aimAtTransition(zone: string, fromDay: number, deltaMinutes: number, leadDays: number): { startDay: number; startMinutes: number } | null {
  const next = Temporal.Instant.fromEpochMilliseconds(fromDay * 86_400_000).toZonedDateTimeISO(zone).getTimeZoneTransition('next');
  if (next === null) return null;
  const wallBefore = next.epochMilliseconds + next.subtract({ milliseconds: 1 }).offsetNanoseconds / 1e6;
  const aimed = Math.floor((wallBefore + deltaMinutes * 60_000) / 60_000);
  const day = Math.floor(aimed / 1440);
  return { startDay: day - leadDays, startMinutes: aimed - day * 1440 };
}

/** Zones that still change their clocks (from 2025 on), the only ones a draw can be aimed at. */
const DST_ZONES = ZONES.filter(
  (zone) => Temporal.Instant.fromEpochMilliseconds(Date.UTC(2025, 0, 1)).toZonedDateTimeISO(zone).getTimeZoneTransition('next') !== null,
);

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

t.test('property: wall clock, uniqueness, window and completeness of generated sessions', async (t) => {
  const scenario = fc.record({
    zone: fc.oneof(fc.constantFrom(...ZONES), fc.constantFrom(...AWKWARD), fc.constantFrom(...DST_ZONES)),
    // Mostly the small hours, where transitions happen; sometimes any time of day.
    startMinutes: fc.oneof(fc.integer({ min: 0, max: 3 * 60 + 59 }), fc.integer({ min: 0, max: 24 * 60 - 1 }), fc.constantFrom(0, 30, 60, 90, 120, 135, 150)),
    startDay: fc.integer({ min: epochDayOf('2025-06-01'), max: epochDayOf('2027-06-01') }),
    nowDayOffset: fc.integer({ min: -30, max: 200 }),
    nowMinute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    horizonDays: fc.integer({ min: 0, max: 120 }),
    lengthDays: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
    exdateOffsets: fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 4 }),
    closureOffsets: fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 4 }),
    nonexistentTime: fc.constantFrom('shiftForward' as const, 'skip' as const),
    ambiguousTime: fc.constantFrom('earlier' as const, 'later' as const),
    aim: fc.option(fc.record({ zone: fc.constantFrom(...DST_ZONES), delta: fc.integer({ min: -45, max: 45 }), lead: fc.integer({ min: 0, max: 20 }) }), { freq: 4, nil: null }),
  });
  const seen = { sessions: 0, moved: 0, skipped: 0, repeated: 0 };

  fc.assert(
    fc.property(scenario, (s) => {
      const zone = s.aim?.zone ?? s.zone;
      const aimed = s.aim === null ? null : aimAtTransition(zone, s.startDay, s.aim.delta, s.aim.lead);
      const startDay = aimed?.startDay ?? s.startDay;
      const startDate = localDateOfEpochDay(startDay);
      const now = (startDay + Math.min(s.nowDayOffset, s.aim?.lead ?? 200)) * 86_400_000 + s.nowMinute * 60_000;
      const time = hhmm(aimed?.startMinutes ?? s.startMinutes);
      // An aimed draw keeps the transition date inside the window.
      const horizonDays = aimed ? Math.max(s.horizonDays, s.aim!.lead + 2) : s.horizonDays;
      const endDate = aimed || s.lengthDays === null ? null : addDays(startDate, s.lengthDays);
      const exdates = s.exdateOffsets.map((d) => addDays(startDate, d));
      const closures = Object.fromEntries(s.closureOffsets.map((d) => [addDays(startDate, d), 'closed']));
      const result = desiredSessions({
        series: series({ rrule: 'FREQ=DAILY', startDate, endDate, startTime: time, exdates, durationMinutes: 50 }),
        timezone: zone,
        settings: settings({ generation: { horizonDays }, closures, dst: { nonexistentTime: s.nonexistentTime, ambiguousTime: s.ambiguousTime } }),
        now,
      });
      if (result.problems.length > 0) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);

      const keys = result.sessions.map((x) => x.occurrenceKey);
      if (new Set(keys).size !== keys.length) throw new Error(`duplicate keys ${keys}`);
      if (keys.some((k, i) => i > 0 && keys[i - 1] >= k)) throw new Error(`keys not ascending ${keys}`);
      const { window } = result;
      if (keys.length > 0 && window === null) throw new Error('sessions without a window');

      const bySession = new Map(result.sessions.map((x) => [x.occurrenceKey, x]));
      const skipped = new Set(result.skippedByDst);
      if (window === null) return;
      for (let day = epochDayOf(window.from); day <= epochDayOf(window.to); day++) {
        const key = localDateOfEpochDay(day);
        const pdt = Temporal.PlainDateTime.from(`${key}T${time}`);
        const earlier = pdt.toZonedDateTime(zone, { disambiguation: 'earlier' });
        const later = pdt.toZonedDateTime(zone, { disambiguation: 'later' });
        const inGap = !earlier.toPlainDateTime().equals(pdt);
        const repeated = !inGap && earlier.epochMilliseconds !== later.epochMilliseconds;
        const expected = inGap
          ? s.nonexistentTime === 'skip'
            ? null
            : pdt.toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds
          : (s.ambiguousTime === 'earlier' ? earlier : later).epochMilliseconds;
        const session = bySession.get(key);
        const dropped = exdates.includes(key) || key in closures;

        if (dropped) {
          if (session || skipped.has(key)) throw new Error(`${key} is an exdate or closure but was generated`);
        } else if (expected === null) {
          if (session || !skipped.has(key)) throw new Error(`${key} ${time} is in a gap of ${zone}: it must be skipped and reported`);
          seen.skipped += 1;
        } else if (expected <= now) {
          if (session) throw new Error(`${key} started at or before now but was generated`);
        } else {
          if (!session) throw new Error(`${key} ${time} in ${zone} is missing`);
          if (session.startsAt !== expected) throw new Error(`${key} ${time} in ${zone}: ${session.startsAt} != Temporal ${expected}`);
          if (session.endsAt - session.startsAt !== 50 * 60_000) throw new Error('ends_at != starts_at + duration');
          const wall = Temporal.Instant.fromEpochMilliseconds(session.startsAt).toZonedDateTimeISO(zone).toPlainDateTime();
          if (!wall.equals(pdt) && !inGap) throw new Error(`${key}: wall clock ${wall} is not the series' ${time} and no gap explains it`);
          seen.sessions += 1;
          if (inGap) seen.moved += 1;
          if (repeated) seen.repeated += 1;
        }
      }
      for (const key of keys) if (key < window.from || key > window.to) throw new Error(`${key} outside the window`);
    }),
    { numRuns: 400 },
  );
  t.pass(`${seen.sessions} sessions checked: ${seen.moved} moved by shiftForward, ${seen.skipped} skipped, ${seen.repeated} on a repeated hour`);
  t.ok(seen.moved > 0 && seen.skipped > 0 && seen.repeated > 0, 'the draws include shifted, skipped and repeated times');
});
