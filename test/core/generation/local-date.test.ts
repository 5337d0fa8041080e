import t from 'tap';
import fc from 'fast-check';
import {
  addDays,
  daysBetween,
  epochDayOf,
  localDateAt,
  localDateOfEpochDay,
  parseLocalDate,
  weekdayOfEpochDay,
} from '../../../controller/core/generation/local-date.js';
import { at } from './generation-fixtures.js';

t.test('addDays crosses month, year and leap-day boundaries', async (t) => {
  const rows = [
    { name: 'end of a 31-day month', date: '2026-01-31', days: 1, want: '2026-02-01' },
    { name: 'leap day exists in 2028', date: '2028-02-28', days: 1, want: '2028-02-29' },
    { name: 'no leap day in 2100 (century rule)', date: '2100-02-28', days: 1, want: '2100-03-01' },
    { name: 'leap day in 2000 (400-year rule)', date: '2000-02-28', days: 1, want: '2000-02-29' },
    { name: 'year end', date: '2026-12-31', days: 1, want: '2027-01-01' },
    { name: 'backwards over a year', date: '2026-03-01', days: -365, want: '2025-03-01' },
    { name: 'a 56-day horizon', date: '2026-03-01', days: 56, want: '2026-04-26' },
    { name: 'zero days', date: '2026-03-01', days: 0, want: '2026-03-01' },
  ];
  for (const row of rows) t.equal(addDays(row.date, row.days), row.want, row.name);
});

t.test('parseLocalDate accepts only real YYYY-MM-DD dates', async (t) => {
  const rows = [
    { name: 'a plain date', text: '2026-03-01', ok: true },
    { name: 'leap day of a leap year', text: '2028-02-29', ok: true },
    { name: 'leap day of a common year', text: '2026-02-29', ok: false },
    { name: 'April 31st', text: '2026-04-31', ok: false },
    { name: 'month 13', text: '2026-13-01', ok: false },
    { name: 'day 0', text: '2026-01-00', ok: false },
    { name: 'no zero padding', text: '2026-3-1', ok: false },
    { name: 'a timestamp, not a date', text: '2026-03-01T00:00:00Z', ok: false },
    { name: 'year 0000', text: '0000-01-01', ok: false },
    { name: 'not a string', text: 20260301, ok: false },
    { name: '1900 is not a leap year (divisible by 100)', text: '1900-02-29', ok: false },
    { name: '2000 is a leap year (divisible by 400)', text: '2000-02-29', ok: true },
    { name: 'a letter among the digits', text: '2026-0a-01', ok: false },
    { name: 'a sign where a digit belongs', text: '+026-03-01', ok: false },
    { name: 'slashes instead of dashes', text: '2026/03/01', ok: false },
    { name: 'full-width digits', text: '２０２６-03-01', ok: false },
    { name: 'year 9999, the last', text: '9999-12-31', ok: true },
  ];
  for (const row of rows) t.equal(parseLocalDate(row.text) !== null, row.ok, row.name);
});

t.test('parseLocalDate gives the epoch day Date.UTC gives, for every day of 1899–2101', async (t) => {
  let mismatches = 0;
  for (let ms = Date.UTC(1899, 0, 1); ms <= Date.UTC(2101, 11, 31); ms += 86_400_000) {
    const text = new Date(ms).toISOString().slice(0, 10);
    if (parseLocalDate(text) !== ms / 86_400_000) mismatches++;
  }
  t.equal(mismatches, 0);
});

t.test('epoch days: 1970-01-01 is day 0, a Thursday', async (t) => {
  t.equal(epochDayOf('1970-01-01'), 0);
  t.equal(weekdayOfEpochDay(0), 3, 'Thursday = 3 with Monday = 0');
  t.equal(weekdayOfEpochDay(epochDayOf('2026-03-01')), 6, '2026-03-01 is a Sunday');
  t.equal(weekdayOfEpochDay(epochDayOf('1969-12-29')), 0, 'a Monday before the epoch');
  t.equal(daysBetween('2026-03-01', '2026-04-26'), 56);
});

t.test('epoch-day arithmetic agrees with Date for random days of years 0001–9999', async () => {
  fc.assert(
    fc.property(fc.integer({ min: -719_162, max: 2_932_896 }), (day) => {
      const date = localDateOfEpochDay(day);
      const viaDate = new Date(0);
      viaDate.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
      return epochDayOf(date) === day && Math.round(viaDate.getTime() / 86_400_000) === day;
    }),
    { numRuns: 2000 },
  );
});

t.test("localDateAt is the branch's calendar date, not UTC's", async (t) => {
  const rows = [
    { name: 'New York evening is still the previous day', instant: '2026-03-02T03:30:00Z', zone: 'America/New_York', want: '2026-03-01' },
    { name: 'New York after local midnight', instant: '2026-03-02T05:00:00Z', zone: 'America/New_York', want: '2026-03-02' },
    { name: 'Auckland is already tomorrow', instant: '2026-03-01T12:00:00Z', zone: 'Pacific/Auckland', want: '2026-03-02' },
    { name: 'Kiritimati (+14) is ahead of every zone', instant: '2026-03-01T10:00:00Z', zone: 'Pacific/Kiritimati', want: '2026-03-02' },
    { name: 'Pago Pago (-11) lags behind', instant: '2026-03-01T10:00:00Z', zone: 'Pacific/Pago_Pago', want: '2026-02-28' },
    { name: 'Santiago at the instant its clocks skip midnight', instant: '2026-09-06T04:00:00Z', zone: 'America/Santiago', want: '2026-09-06' },
    { name: 'UTC itself', instant: '2026-03-01T23:59:59Z', zone: 'UTC', want: '2026-03-01' },
  ];
  for (const row of rows) t.equal(localDateAt(at(row.instant), row.zone), row.want, row.name);
});

t.test('localDateAt rejects an unknown zone instead of guessing', async (t) => {
  t.throws(() => localDateAt(0, 'Mars/Olympus_Mons'), RangeError);
});
