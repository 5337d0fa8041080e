// The dates and instants a schedule listing covers: ISO weeks, and each local
// day's first instant in the branch's zone (23- and 25-hour days included),
// checked against Temporal's own startOfDay.
import t from 'tap';
import { Temporal } from '@js-temporal/polyfill';
import { currentWeekRange, instantBounds, isoWeekRange, isoWeeksInYear, startOfLocalDay } from '../../../controller/core/schedule/schedule-range.js';

t.test('ISO weeks', async (t) => {
  const rows = [
    { name: 'the week of the 2027 US spring-forward Sunday ends on that Sunday', week: '2027-W10', want: { from: '2027-03-08', to: '2027-03-14' } },
    { name: 'week 1 holds 4 January even when it starts in December', week: '2026-W01', want: { from: '2025-12-29', to: '2026-01-04' } },
    { name: '2026 has a 53rd week (1 January is a Thursday)', week: '2026-W53', want: { from: '2026-12-28', to: '2027-01-03' } },
    { name: '2027 has no 53rd week', week: '2027-W53', want: null },
    { name: 'week 0 does not exist', week: '2027-W00', want: null },
    { name: 'a one-digit week is not ISO', week: '2027-W9', want: null },
    { name: 'a date is not a week', week: '2027-03-14', want: null },
  ];
  for (const row of rows) t.same(isoWeekRange(row.week), row.want, row.name);
  t.equal(isoWeeksInYear(2020), 53, '2020 (a leap year starting on Wednesday) has 53 weeks');
  t.equal(isoWeeksInYear(2025), 52, '2025 has 52 weeks');
});

t.test('the current week is taken in the branch zone, not in UTC', async (t) => {
  const rows = [
    { name: 'Sunday evening in New York is already Monday in UTC: still the week ending that Sunday', now: '2027-03-15T02:00:00Z', zone: 'America/New_York', want: { from: '2027-03-08', to: '2027-03-14' } },
    { name: 'the same instant in Tokyo is Monday: the next week', now: '2027-03-15T02:00:00Z', zone: 'Asia/Tokyo', want: { from: '2027-03-15', to: '2027-03-21' } },
  ];
  for (const row of rows) t.same(currentWeekRange(Date.parse(row.now), row.zone), row.want, row.name);
});

t.test("a local day's first instant is Temporal's startOfDay", async (t) => {
  const rows = [
    { name: 'New York spring-forward day (midnight exists)', date: '2027-03-14', zone: 'America/New_York' },
    { name: 'New York fall-back day', date: '2026-11-01', zone: 'America/New_York' },
    { name: 'Santiago: clocks jump at midnight, the day starts at 01:00', date: '2026-09-06', zone: 'America/Santiago' },
    { name: 'Havana: clocks jump at midnight', date: '2027-03-14', zone: 'America/Havana' },
    { name: 'Lord Howe half-hour change day', date: '2026-10-04', zone: 'Australia/Lord_Howe' },
    { name: 'an ordinary day in UTC', date: '2027-01-01', zone: 'UTC' },
  ];
  for (const row of rows) {
    const want = Temporal.PlainDate.from(row.date).toZonedDateTime({ timeZone: row.zone }).epochMilliseconds;
    t.equal(startOfLocalDay(row.date, row.zone), want, row.name);
  }
});

t.test('bounds of a range span its local days, whatever their length', async (t) => {
  const rows = [
    { name: 'the US spring-forward Sunday lasts 23 hours', range: { from: '2027-03-14', to: '2027-03-14' }, zone: 'America/New_York', hours: 23, fromIso: '2027-03-14T05:00:00.000Z' },
    { name: 'the US fall-back Sunday lasts 25 hours', range: { from: '2026-11-01', to: '2026-11-01' }, zone: 'America/New_York', hours: 25, fromIso: '2026-11-01T04:00:00.000Z' },
    { name: 'the week 2027-W10 in New York: 7 days less the hour skipped', range: { from: '2027-03-08', to: '2027-03-14' }, zone: 'America/New_York', hours: 7 * 24 - 1, fromIso: '2027-03-08T05:00:00.000Z' },
  ];
  for (const row of rows) {
    const b = instantBounds(row.range, row.zone);
    t.equal(new Date(b.fromMs).toISOString(), row.fromIso, `${row.name}: first instant`);
    t.equal((b.toMs - b.fromMs) / 3_600_000, row.hours, `${row.name}: length`);
  }
});
