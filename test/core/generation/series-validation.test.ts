import t from 'tap';
import { isValidTimeZone, parseStartTime, validateSeries } from '../../../controller/core/generation/series-validation.js';
import type { ClassSeries } from '../../../controller/core/types.js';
import { series } from './generation-fixtures.js';

const ZONE = 'Europe/London';

t.test('a valid series has no problems', async (t) => {
  const rows: Array<{ name: string; patch: Partial<ClassSeries> }> = [
    { name: 'weekly on two days', patch: { rrule: 'FREQ=WEEKLY;BYDAY=MO,WE' } },
    { name: 'lower case and an RRULE: prefix', patch: { rrule: 'rrule:freq=monthly;byday=-1su' } },
    { name: 'a rule that never matches is not an error (it yields nothing)', patch: { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' } },
    { name: 'COUNT=0 yields nothing, which is not an error', patch: { rrule: 'FREQ=DAILY;COUNT=0' } },
    { name: 'UNTIL as a date, a local time and a UTC time', patch: { rrule: 'FREQ=DAILY;UNTIL=20261231' } },
    { name: 'end date equal to start date (one day)', patch: { startDate: '2026-03-01', endDate: '2026-03-01' } },
    { name: 'exactly 24 hours', patch: { durationMinutes: 1440 } },
    { name: 'midnight and 23:59 start times', patch: { startTime: '00:00' } },
    { name: 'defaults left null', patch: { durationMinutes: null, capacity: null } },
    { name: 'capacity 0 (a closed-to-booking session)', patch: { capacity: 0 } },
  ];
  for (const row of rows) t.same(validateSeries(series(row.patch), ZONE), [], row.name);
  t.same(validateSeries(series({ startTime: '23:59', rrule: 'FREQ=DAILY;UNTIL=20261231T235959Z' }), ZONE), [], '23:59 and UTC UNTIL');
});

t.test('each invalid field is one problem that names the series, the field and the fix', async (t) => {
  const rows: Array<{ name: string; patch: Partial<ClassSeries>; zone?: string; code: string; pointer: string; says: RegExp; count?: number }> = [
    { name: 'unparsable RRULE (garbage; FREQ is missing too)', patch: { rrule: 'every monday' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /unknown rule part 'EVERY MONDAY'/, count: 2 },
    { name: 'unparsable RRULE (bad weekday)', patch: { rrule: 'FREQ=WEEKLY;BYDAY=XX' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /'XX' is not a weekday/ },
    { name: 'unparsable RRULE (bad UNTIL)', patch: { rrule: 'FREQ=DAILY;UNTIL=2026-12-31' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /UNTIL=2026-12-31 is not a date \(YYYYMMDD\)/ },
    { name: 'unparsable RRULE (empty)', patch: { rrule: '  ' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /the rule is empty/ },
    { name: 'FREQ missing', patch: { rrule: 'BYDAY=MO' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /FREQ is missing/ },
    { name: 'FREQ=HOURLY is sub-daily', patch: { rrule: 'FREQ=HOURLY' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /FREQ=HOURLY is not supported.*DAILY, WEEKLY, MONTHLY or YEARLY/ },
    { name: 'FREQ=MINUTELY is sub-daily', patch: { rrule: 'FREQ=MINUTELY' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /FREQ=MINUTELY is not supported/ },
    { name: 'FREQ=FORTNIGHTLY is not a frequency', patch: { rrule: 'FREQ=FORTNIGHTLY' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /FREQ=FORTNIGHTLY is not a frequency/ },
    { name: 'DTSTART inside the rule', patch: { rrule: 'FREQ=DAILY;DTSTART=20260101T090000' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /DTSTART is not allowed.*startDate and startTime/ },
    { name: 'a DTSTART line before the rule', patch: { rrule: 'DTSTART:20260101T090000\nRRULE:FREQ=DAILY' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /DTSTART is not allowed/ },
    { name: 'BYHOUR present', patch: { rrule: 'FREQ=DAILY;BYHOUR=9' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /BYHOUR is not allowed.*startTime/ },
    { name: 'BYMINUTE present', patch: { rrule: 'FREQ=DAILY;BYMINUTE=30' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /BYMINUTE is not allowed/ },
    { name: 'BYSECOND present', patch: { rrule: 'FREQ=DAILY;BYSECOND=0' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /BYSECOND is not allowed/ },
    { name: 'TZID present', patch: { rrule: 'FREQ=DAILY;TZID=Europe/Paris' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /TZID is not allowed.*branch time zone/ },
    { name: 'INTERVAL=0', patch: { rrule: 'FREQ=WEEKLY;INTERVAL=0' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /INTERVAL=0 must be a whole number of at least 1/ },
    { name: 'INTERVAL=-2', patch: { rrule: 'FREQ=WEEKLY;INTERVAL=-2' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /INTERVAL=-2 must be a whole number of at least 1/ },
    { name: 'INTERVAL=two', patch: { rrule: 'FREQ=WEEKLY;INTERVAL=two' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /INTERVAL=TWO must be a whole number/ },
    { name: 'COUNT and UNTIL together', patch: { rrule: 'FREQ=DAILY;COUNT=3;UNTIL=20261231' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /COUNT and UNTIL are both given/ },
    { name: 'a part given twice', patch: { rrule: 'FREQ=DAILY;FREQ=WEEKLY' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /FREQ appears twice/ },
    { name: 'an ordinal weekday with FREQ=WEEKLY', patch: { rrule: 'FREQ=WEEKLY;BYDAY=-1SU' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /needs FREQ=MONTHLY or YEARLY/ },
    { name: 'BYMONTHDAY=32', patch: { rrule: 'FREQ=MONTHLY;BYMONTHDAY=32' }, code: 'SERIES_RRULE', pointer: '/rrule', says: /'32' is not a whole number from 1 to 31/ },
    { name: 'end date before start date', patch: { startDate: '2026-03-10', endDate: '2026-03-09' }, code: 'SERIES_INVALID', pointer: '/endDate', says: /endDate 2026-03-09 is before startDate 2026-03-10/ },
    { name: 'end date not a date', patch: { endDate: '2026-02-30' }, code: 'SERIES_INVALID', pointer: '/endDate', says: /endDate "2026-02-30" is not a calendar date/ },
    { name: 'start date not a date', patch: { startDate: '01/03/2026' }, code: 'SERIES_INVALID', pointer: '/startDate', says: /startDate "01\/03\/2026" is not a calendar date; write YYYY-MM-DD/ },
    { name: 'startTime without a leading zero', patch: { startTime: '9:00' }, code: 'SERIES_INVALID', pointer: '/startTime', says: /startTime "9:00" is not a 24-hour local time HH:MM/ },
    { name: 'startTime 24:00', patch: { startTime: '24:00' }, code: 'SERIES_INVALID', pointer: '/startTime', says: /startTime "24:00"/ },
    { name: 'startTime with seconds', patch: { startTime: '09:00:00' }, code: 'SERIES_INVALID', pointer: '/startTime', says: /startTime "09:00:00"/ },
    { name: 'startTime with a meridiem', patch: { startTime: '09:00 PM' }, code: 'SERIES_INVALID', pointer: '/startTime', says: /HH:MM/ },
    { name: 'duration 0', patch: { durationMinutes: 0 }, code: 'SERIES_INVALID', pointer: '/durationMinutes', says: /durationMinutes 0 must be a whole number of minutes from 1 to 1440/ },
    { name: 'negative duration', patch: { durationMinutes: -30 }, code: 'SERIES_INVALID', pointer: '/durationMinutes', says: /durationMinutes -30/ },
    { name: 'duration over 24 hours', patch: { durationMinutes: 1441 }, code: 'SERIES_INVALID', pointer: '/durationMinutes', says: /durationMinutes 1441/ },
    { name: 'fractional duration', patch: { durationMinutes: 45.5 }, code: 'SERIES_INVALID', pointer: '/durationMinutes', says: /durationMinutes 45.5/ },
    { name: 'negative capacity', patch: { capacity: -1 }, code: 'SERIES_INVALID', pointer: '/capacity', says: /capacity -1 must be a whole number of at least 0/ },
    { name: 'an exdate that is not a date', patch: { exdates: ['2026-03-02', 'soon'] }, code: 'SERIES_INVALID', pointer: '/exdates/1', says: /exdate "soon" is not a calendar date/ },
    { name: 'unknown IANA zone', patch: {}, zone: 'Mars/Olympus_Mons', code: 'BRANCH_TIMEZONE', pointer: '/branchId', says: /branch downtown has time zone "Mars\/Olympus_Mons", which is not a known IANA zone/ },
    { name: 'a fixed offset is not an IANA zone', patch: {}, zone: '+01:00', code: 'BRANCH_TIMEZONE', pointer: '/branchId', says: /"\+01:00"/ },
  ];
  for (const row of rows) {
    const problems = validateSeries(series(row.patch), row.zone ?? ZONE);
    t.equal(problems.length, row.count ?? 1, `${row.name}: ${row.count ?? 1} problem(s)`);
    const p = problems[0];
    if (!p) continue;
    t.match(
      p,
      { code: row.code, pointer: row.pointer, scope: 'series:yoga-mon', document: 'yoga-mon', severity: 'error', message: row.says },
      row.name,
    );
    t.match(p.message, /^Series yoga-mon: /, `${row.name}: the message names the series`);
  }
});

t.test('several problems are all reported at once', async (t) => {
  const problems = validateSeries(series({ rrule: 'FREQ=HOURLY;BYHOUR=9', startTime: '9am', durationMinutes: 0 }), ZONE);
  t.same(
    problems.map((p) => p.pointer),
    ['/rrule', '/rrule', '/startTime', '/durationMinutes'],
  );
});

t.test('isValidTimeZone accepts IANA names and aliases, rejects the rest', async (t) => {
  const rows = [
    { zone: 'Europe/London', ok: true },
    { zone: 'America/Argentina/Buenos_Aires', ok: true },
    { zone: 'UTC', ok: true },
    { zone: 'US/Eastern', ok: true },
    { zone: 'Mars/Olympus_Mons', ok: false },
    { zone: '', ok: false },
    { zone: '+05:30', ok: false },
    { zone: '-03:00', ok: false },
  ];
  for (const row of rows) t.equal(isValidTimeZone(row.zone), row.ok, JSON.stringify(row.zone));
});

t.test('parseStartTime reads HH:MM from 00:00 to 23:59 and nothing else', async (t) => {
  const rows: Array<{ name: string; text: unknown; want: number | null }> = [
    { name: 'midnight is minute 0', text: '00:00', want: 0 },
    { name: 'a morning class', text: '07:30', want: 450 },
    { name: 'the evening hour 20 (first digit 2)', text: '20:05', want: 1205 },
    { name: 'the last minute of the day', text: '23:59', want: 1439 },
    { name: 'hour 24 is the next day', text: '24:00', want: null },
    { name: 'hour 29', text: '29:00', want: null },
    { name: 'minute 60', text: '07:60', want: null },
    { name: 'no leading zero', text: '7:30', want: null },
    { name: 'one minute digit', text: '19:5', want: null },
    { name: 'a trailing space', text: '07:30 ', want: null },
    { name: 'a trailing newline', text: '07:30\n', want: null },
    { name: 'a dot for the colon', text: '07.30', want: null },
    { name: 'a full-width digit', text: '0\uFF17:30', want: null },
    { name: 'a sign', text: '-1:00', want: null },
    { name: 'the empty text', text: '', want: null },
    { name: 'a number, not a text', text: 730, want: null },
    { name: 'absent', text: undefined, want: null },
  ];
  for (const row of rows) t.equal(parseStartTime(row.text), row.want, row.name);
});
