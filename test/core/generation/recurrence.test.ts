import t from 'tap';
import fc from 'fast-check';
import rrule from 'rrule';
import { epochDayOf, localDateOfEpochDay } from '../../../controller/core/generation/local-date.js';
import { expandOccurrenceDates, rebasedAnchorDay } from '../../../controller/core/generation/recurrence.js';
import { parseRecurrenceRule, type RecurrenceRule } from '../../../controller/core/generation/rrule-parse.js';
import { withScanBudget } from '../../../controller/core/generation/rrule-scan-budget.js';
import { isDirectRule } from '../../../controller/core/generation/direct-expansion.js';

const { RRule } = rrule;

function parsed(text: string): RecurrenceRule {
  const result = parseRecurrenceRule(text);
  if (!result.ok) throw new Error(`test rule does not parse: ${text}: ${result.errors.join('; ')}`);
  return result.rule;
}

function expand(text: string, startDate: string, from: string, to: string, startTime = '09:00', timezone = 'America/New_York'): readonly string[] {
  const [h, m] = startTime.split(':').map(Number);
  return expandOccurrenceDates({ rule: parsed(text), startDate, startMinutes: h * 60 + m, window: { from, to }, timezone }).dates;
}

t.test('rule shapes that users write', async (t) => {
  const rows = [
    { name: 'FREQ=MONTHLY;BYMONTHDAY=31 skips the months without a 31st', rule: 'FREQ=MONTHLY;BYMONTHDAY=31', start: '2026-01-01', from: '2026-01-01', to: '2026-12-31', want: ['2026-01-31', '2026-03-31', '2026-05-31', '2026-07-31', '2026-08-31', '2026-10-31', '2026-12-31'] },
    { name: 'FREQ=MONTHLY;BYDAY=-1SU is the last Sunday of each month', rule: 'FREQ=MONTHLY;BYDAY=-1SU', start: '2026-01-01', from: '2026-03-01', to: '2026-06-30', want: ['2026-03-29', '2026-04-26', '2026-05-31', '2026-06-28'] },
    { name: 'BYMONTHDAY=-1 is the last day of each month, February included', rule: 'FREQ=MONTHLY;BYMONTHDAY=-1', start: '2028-01-01', from: '2028-01-01', to: '2028-04-30', want: ['2028-01-31', '2028-02-29', '2028-03-31', '2028-04-30'] },
    { name: 'WEEKLY without BYDAY repeats the weekday of startDate', rule: 'FREQ=WEEKLY', start: '2026-03-04', from: '2026-03-01', to: '2026-03-25', want: ['2026-03-04', '2026-03-11', '2026-03-18', '2026-03-25'] },
    { name: 'every other week on Monday and Thursday', rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH', start: '2026-03-02', from: '2026-03-01', to: '2026-03-31', want: ['2026-03-02', '2026-03-05', '2026-03-16', '2026-03-19', '2026-03-30'] },
    { name: 'the startDate is a session only when the rule matches it', rule: 'FREQ=WEEKLY;BYDAY=TU', start: '2026-03-02', from: '2026-03-02', to: '2026-03-10', want: ['2026-03-03', '2026-03-10'] },
    { name: 'YEARLY without BYxxx repeats the month and day of startDate', rule: 'FREQ=YEARLY', start: '2024-02-29', from: '2024-01-01', to: '2032-12-31', want: ['2024-02-29', '2028-02-29', '2032-02-29'] },
    { name: 'last weekday of the month with BYSETPOS', rule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', start: '2026-01-01', from: '2026-05-01', to: '2026-08-31', want: ['2026-05-29', '2026-06-30', '2026-07-31', '2026-08-31'] },
    { name: 'COUNT counts from startDate even when the window starts later', rule: 'FREQ=DAILY;COUNT=10', start: '2026-02-25', from: '2026-03-01', to: '2026-03-31', want: ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'] },
    { name: 'COUNT=3 weekly', rule: 'FREQ=WEEKLY;COUNT=3', start: '2026-03-02', from: '2026-03-01', to: '2026-04-30', want: ['2026-03-02', '2026-03-09', '2026-03-16'] },
    { name: 'COUNT used up before the window: nothing', rule: 'FREQ=DAILY;COUNT=5', start: '2026-01-01', from: '2026-03-01', to: '2026-03-31', want: [] },
    { name: 'UNTIL as a date includes that whole local date', rule: 'FREQ=DAILY;UNTIL=20260303', start: '2026-03-01', from: '2026-03-01', to: '2026-03-31', want: ['2026-03-01', '2026-03-02', '2026-03-03'] },
    { name: 'UNTIL as a local date-time equal to the start time is inclusive', rule: 'FREQ=DAILY;UNTIL=20260303T090000', start: '2026-03-01', from: '2026-03-01', to: '2026-03-31', want: ['2026-03-01', '2026-03-02', '2026-03-03'] },
    { name: 'UNTIL as a local date-time before the start time excludes that day', rule: 'FREQ=DAILY;UNTIL=20260303T085959', start: '2026-03-01', from: '2026-03-01', to: '2026-03-31', want: ['2026-03-01', '2026-03-02'] },
    { name: 'UNTIL in UTC is an instant: 14:00Z is 09:00 EST in New York, inclusive', rule: 'FREQ=DAILY;UNTIL=20260303T140000Z', start: '2026-03-01', from: '2026-03-01', to: '2026-03-31', want: ['2026-03-01', '2026-03-02', '2026-03-03'] },
    { name: 'UNTIL in UTC one second earlier excludes that day', rule: 'FREQ=DAILY;UNTIL=20260303T135959Z', start: '2026-03-01', from: '2026-03-01', to: '2026-03-31', want: ['2026-03-01', '2026-03-02'] },
    { name: 'UNTIL in UTC after DST began: 13:00Z is 09:00 EDT', rule: 'FREQ=DAILY;UNTIL=20260310T130000Z', start: '2026-03-09', from: '2026-03-09', to: '2026-03-31', want: ['2026-03-09', '2026-03-10'] },
    { name: 'a daily series from 1900 yields the window of 2026', rule: 'FREQ=DAILY;INTERVAL=3', start: '1900-01-01', from: '2026-03-01', to: '2026-03-10', want: ['2026-03-01', '2026-03-04', '2026-03-07', '2026-03-10'] },
    { name: 'a rule that never matches yields nothing (and returns)', rule: 'FREQ=DAILY;INTERVAL=7;BYDAY=TU', start: '2026-03-02', from: '2026-03-02', to: '2026-04-26', want: [] },
  ];
  for (const row of rows) t.same(expand(row.rule, row.start, row.from, row.to), row.want, row.name);
});

t.test('the expansion memo keeps apart what differs between series', async (t) => {
  // Same rule text and window, called in a row: each answer must be its own.
  t.same(expand('FREQ=DAILY;UNTIL=20260303T090000', '2026-03-01', '2026-03-01', '2026-03-31', '09:00'), ['2026-03-01', '2026-03-02', '2026-03-03'], 'UNTIL 09:00, class at 09:00: the 3rd is in');
  t.same(expand('FREQ=DAILY;UNTIL=20260303T090000', '2026-03-01', '2026-03-01', '2026-03-31', '09:30'), ['2026-03-01', '2026-03-02'], 'UNTIL 09:00, class at 09:30: the 3rd is out');
  t.same(expand('FREQ=WEEKLY', '2026-01-05', '2026-03-01', '2026-03-14'), ['2026-03-02', '2026-03-09'], 'WEEKLY from a Monday: Mondays');
  t.same(expand('FREQ=WEEKLY', '2026-01-06', '2026-03-01', '2026-03-14'), ['2026-03-03', '2026-03-10'], 'WEEKLY from a Tuesday, same window: Tuesdays');
  t.same(expand('FREQ=DAILY;UNTIL=20260302T140000Z', '2026-03-01', '2026-03-01', '2026-03-31', '09:00', 'America/New_York'), ['2026-03-01', '2026-03-02'], 'UTC UNTIL read in New York (09:00 local)');
  t.same(expand('FREQ=DAILY;UNTIL=20260302T140000Z', '2026-03-01', '2026-03-01', '2026-03-31', '09:00', 'Europe/London'), ['2026-03-01', '2026-03-02'], 'the same UTC UNTIL read in London (14:00 local)');
  t.same(expand('FREQ=DAILY;UNTIL=20260302T080000Z', '2026-03-01', '2026-03-01', '2026-03-31', '09:00', 'Europe/London'), ['2026-03-01'], 'London: 08:00 UTC is before the 09:00 class');
  t.same(expand('FREQ=DAILY;UNTIL=20260302T080000Z', '2026-03-01', '2026-03-01', '2026-03-31', '09:00', 'Asia/Tokyo'), ['2026-03-01', '2026-03-02'], 'Tokyo: 08:00 UTC is 17:00, after the 09:00 class');
});

t.test('the rebased DTSTART is the start of the period holding the window start, whole INTERVALs on', async (t) => {
  const rows = [
    { name: 'DAILY;INTERVAL=3: 57 days after Jan 1 is a multiple of 3', rule: 'FREQ=DAILY;INTERVAL=3', start: '2026-01-01', from: '2026-02-28', want: '2026-02-27' },
    { name: 'WEEKLY: the Monday of the window week', rule: 'FREQ=WEEKLY', start: '2026-01-07', from: '2026-03-05', want: '2026-03-02' },
    { name: 'WEEKLY;INTERVAL=2, window in an on-week: its Monday', rule: 'FREQ=WEEKLY;INTERVAL=2', start: '2026-01-07', from: '2026-03-05', want: '2026-03-02' },
    { name: 'WEEKLY;INTERVAL=2, window in an off-week: the on-week before', rule: 'FREQ=WEEKLY;INTERVAL=2', start: '2026-01-07', from: '2026-03-12', want: '2026-03-02' },
    { name: 'WEEKLY;WKST=SU: weeks start on Sunday', rule: 'FREQ=WEEKLY;WKST=SU', start: '2026-01-07', from: '2026-03-05', want: '2026-03-01' },
    { name: 'MONTHLY;INTERVAL=3: the first of a quarter month', rule: 'FREQ=MONTHLY;INTERVAL=3', start: '2025-11-15', from: '2026-03-10', want: '2026-02-01' },
    { name: 'YEARLY;INTERVAL=2: Jan 1 of an even year after 2024', rule: 'FREQ=YEARLY;INTERVAL=2', start: '2024-06-01', from: '2027-03-01', want: '2026-01-01' },
    { name: 'window in the first period: DTSTART unchanged', rule: 'FREQ=MONTHLY', start: '2026-03-15', from: '2026-03-20', want: '2026-03-15' },
    { name: 'window before startDate: DTSTART unchanged', rule: 'FREQ=DAILY', start: '2026-03-15', from: '2026-03-01', want: '2026-03-15' },
  ];
  for (const row of rows) {
    t.equal(localDateOfEpochDay(rebasedAnchorDay(parsed(row.rule), epochDayOf(row.start), epochDayOf(row.from))), row.want, row.name);
  }
});

t.test('a series that started 1000 years ago is not walked from its start', async (t) => {
  // Walked from DTSTART, rrule.js takes over a second for this (365k periods);
  // rebased, it walks the 57 days of the window.
  // (Speed itself is measured by `npm run bench:core`, not asserted here.)
  t.equal(localDateOfEpochDay(rebasedAnchorDay(parsed('FREQ=DAILY'), epochDayOf('1026-03-01'), epochDayOf('2026-03-01'))), '2026-03-01', 'the expansion starts at the window, not in 1026');
  const dates = expand('FREQ=DAILY', '1026-03-01', '2026-03-01', '2026-04-26');
  t.equal(dates.length, 57, 'all 57 days of the window');
});

t.test('the scan budget stops rrule.js walking towards year 9999', async (t) => {
  // Canary for rrule.js upgrades: the budget works only while rrule.js reads
  // options.bynmonthday once per examined day (rrule-scan-budget.ts).
  const never = new RRule({ freq: RRule.DAILY, dtstart: new Date(Date.UTC(2026, 2, 2, 9)), bymonth: [2], bymonthday: [30] }, true);
  const finished = withScanBudget(never, 1000, () => never.between(new Date(Date.UTC(2026, 2, 2)), new Date(Date.UTC(2026, 4, 1)), true));
  t.equal(finished, false, 'a rule that never matches is stopped by the budget (unbounded it walks 2.9 million days)');

  const weekly = new RRule({ freq: RRule.WEEKLY, dtstart: new Date(Date.UTC(2026, 2, 2, 9)) }, true);
  let seen = 0;
  t.equal(withScanBudget(weekly, 1000, () => weekly.between(new Date(Date.UTC(2026, 2, 2)), new Date(Date.UTC(2026, 4, 1)), true, () => ++seen > 0)), true, 'an ordinary rule finishes within its budget');
  t.equal(seen, 9, 'and yields its 9 Mondays');
  t.same(weekly.options.bynmonthday, [], 'the option is restored afterwards');
});

t.test('a COUNT too large to walk stops at the cap and says where', async (t) => {
  const expansion = expandOccurrenceDates({
    rule: parsed('FREQ=DAILY;COUNT=1000000'),
    startDate: '1900-01-01',
    startMinutes: 9 * 60,
    window: { from: '2026-03-01', to: '2026-03-31' },
    timezone: 'UTC',
  });
  t.same(expansion.dates, [], 'the window is beyond the cap: no dates');
  t.same(expansion.countCap, { counted: 20_000, lastCountedDate: '1954-10-04' }, '20000 daily occurrences from 1900-01-01 end on 1954-10-04');
});

/**
 * rrule.js on the original rule, walked from DTSTART: the reference the
 * rebased expansion must equal. Its walk is cut 20 years after the window
 * (rules that never match again would otherwise walk to 9999), far beyond the
 * 800 days the expansion allows, so a cut inside the window would show.
 */
function reference(text: string, startDate: string, startMinutes: number, from: string, to: string): string[] {
  const dtstart = new Date(epochDayOf(startDate) * 86_400_000 + startMinutes * 60_000);
  const rule = RRule.fromString(`DTSTART:${dtstart.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z\nRRULE:${text}`);
  const dayMs = (d: string): number => epochDayOf(d) * 86_400_000 + startMinutes * 60_000;
  const out: string[] = [];
  withScanBudget(rule, epochDayOf(to) - epochDayOf(startDate) + 20 * 366, () =>
    rule.between(new Date(dayMs(from)), new Date(dayMs(to)), true, (d) => out.push(localDateOfEpochDay(Math.floor(d.getTime() / 86_400_000))) > 0),
  );
  return out;
}

t.test('property: rebasing and the scan budget never change which dates a rule yields', async (t) => {
  const weekday = fc.constantFrom('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU');
  // Each BY part is present one time in four: combined, they rarely leave a rule with nothing to compare.
  const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
  const ruleText = fc
    .record({
      freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
      interval: fc.integer({ min: 1, max: 5 }),
      byDay: sometimes(fc.uniqueArray(weekday, { minLength: 1, maxLength: 3 })),
      nth: sometimes(fc.constantFrom(-1, 1, 2, -2)),
      byMonthDay: sometimes(fc.uniqueArray(fc.constantFrom(1, 13, 15, 28, 29, 30, 31, -1), { minLength: 1, maxLength: 2 })),
      byMonth: sometimes(fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 })),
      bySetPos: sometimes(fc.constantFrom(1, -1, 2)),
      wkst: sometimes(weekday),
      count: sometimes(fc.integer({ min: 1, max: 300 })),
    })
    .map((r) => {
      const parts = [`FREQ=${r.freq}`, `INTERVAL=${r.interval}`];
      const ordinal = r.nth !== undefined && (r.freq === 'MONTHLY' || r.freq === 'YEARLY');
      if (r.byDay) parts.push(`BYDAY=${r.byDay.map((d) => (ordinal ? `${r.nth}${d}` : d)).join(',')}`);
      if (r.byMonthDay && r.freq !== 'WEEKLY') parts.push(`BYMONTHDAY=${r.byMonthDay.join(',')}`);
      if (r.byMonth) parts.push(`BYMONTH=${r.byMonth.join(',')}`);
      if (r.bySetPos && parts.length > 2) parts.push(`BYSETPOS=${r.bySetPos}`);
      if (r.wkst) parts.push(`WKST=${r.wkst}`);
      if (r.count) parts.push(`COUNT=${r.count}`);
      return parts.join(';');
    });
  const dayIn = (min: string, max: string) => fc.integer({ min: epochDayOf(min), max: epochDayOf(max) }).map(localDateOfEpochDay);
  let nonEmpty = 0;
  fc.assert(
    fc.property(ruleText, dayIn('2019-01-01', '2026-06-30'), fc.integer({ min: 0, max: 700 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 1439 }), (text, start, after, length, minutes) => {
      const from = localDateOfEpochDay(epochDayOf(start) + after);
      const to = localDateOfEpochDay(epochDayOf(from) + length);
      const ours = expandOccurrenceDates({ rule: parsed(text), startDate: start, startMinutes: minutes, window: { from, to }, timezone: 'UTC' }).dates;
      const theirs = reference(text, start, minutes, from, to);
      if (theirs.length > 0) nonEmpty += 1;
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) throw new Error(`${text} start ${start} window ${from}..${to}: ${JSON.stringify(ours)} != ${JSON.stringify(theirs)}`);
    }),
    { numRuns: 600 },
  );
  t.pass(`600 random rules and windows match rrule.js walked from DTSTART (${nonEmpty} with occurrences)`);
  t.ok(nonEmpty > 250, 'most draws have occurrences to compare');
});

t.test('property: the direct expansion gives the dates rrule.js gives, UNTIL and zones included', async (t) => {
  const weekday = fc.constantFrom('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU');
  const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
  const untilText = fc
    .record({ day: fc.integer({ min: epochDayOf('2019-01-01'), max: epochDayOf('2027-12-31') }), minutes: fc.integer({ min: 0, max: 1439 }), form: fc.constantFrom('date', 'local', 'utc') })
    .map(({ day, minutes, form }) => {
      const date = localDateOfEpochDay(day).replaceAll('-', '');
      const time = `T${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}00`;
      return form === 'date' ? date : form === 'local' ? `${date}${time}` : `${date}${time}Z`;
    });
  const ruleText = fc
    .record({
      freq: fc.constantFrom('DAILY', 'WEEKLY'),
      interval: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 6 })),
      byDay: sometimes(fc.uniqueArray(weekday, { minLength: 1, maxLength: 5 })),
      wkst: sometimes(weekday),
      until: sometimes(untilText),
    })
    .map((r) => {
      const parts = [`FREQ=${r.freq}`, `INTERVAL=${r.interval}`];
      if (r.byDay) parts.push(`BYDAY=${r.byDay.join(',')}`);
      if (r.wkst) parts.push(`WKST=${r.wkst}`);
      if (r.until) parts.push(`UNTIL=${r.until}`);
      return parts.join(';');
    });
  const zone = fc.constantFrom('UTC', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Apia');
  let compared = 0;
  fc.assert(
    fc.property(ruleText, fc.integer({ min: epochDayOf('2019-01-01'), max: epochDayOf('2026-06-30') }), fc.integer({ min: -10, max: 700 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 1439 }), zone, (text, startDay, after, length, minutes, timezone) => {
      const rule = parsed(text);
      if (!isDirectRule(rule)) throw new Error(`${text} should be expanded directly`);
      const input = { rule, startDate: localDateOfEpochDay(startDay), startMinutes: minutes, window: { from: localDateOfEpochDay(startDay + after), to: localDateOfEpochDay(startDay + after + length) }, timezone };
      const direct = expandOccurrenceDates(input, 'direct');
      const walked = expandOccurrenceDates(input, 'rrule');
      if (walked.dates.length > 0) compared += 1;
      if (JSON.stringify(direct) !== JSON.stringify(walked)) throw new Error(`${text} start ${input.startDate} ${timezone} window ${input.window.from}..${input.window.to}: ${JSON.stringify(direct.dates)} != ${JSON.stringify(walked.dates)}`);
    }),
    { numRuns: 3000 },
  );
  t.ok(compared > 1500, `most of 3000 draws have dates to compare (${compared})`);

  // An incremental run expands a slice of a day or a few: the default engine
  // takes those straight to the direct expansion, without the memo. UNTIL is
  // drawn around the slice, where its form (date, local, UTC) decides.
  let sliced = 0;
  const sliceRule = fc.record({
    freq: fc.constantFrom('DAILY', 'WEEKLY'),
    interval: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 3 })),
    byDay: sometimes(fc.uniqueArray(weekday, { minLength: 1, maxLength: 7 })),
    untilDay: sometimes(fc.integer({ min: -1, max: 9 })),
    untilMinutes: fc.integer({ min: 0, max: 1439 }),
    untilForm: fc.constantFrom('date', 'local', 'utc'),
  });
  fc.assert(
    fc.property(sliceRule, fc.integer({ min: epochDayOf('2019-01-01'), max: epochDayOf('2026-06-30') }), fc.integer({ min: 0, max: 700 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 1439 }), zone, (r, startDay, after, length, minutes, timezone) => {
      const from = startDay + after;
      const parts = [`FREQ=${r.freq}`, `INTERVAL=${r.interval}`];
      if (r.byDay) parts.push(`BYDAY=${r.byDay.join(',')}`);
      if (r.untilDay !== undefined) {
        const date = localDateOfEpochDay(from + r.untilDay).replaceAll('-', '');
        const time = `T${String(Math.floor(r.untilMinutes / 60)).padStart(2, '0')}${String(r.untilMinutes % 60).padStart(2, '0')}00`;
        parts.push(`UNTIL=${r.untilForm === 'date' ? date : r.untilForm === 'local' ? `${date}${time}` : `${date}${time}Z`}`);
      }
      const text = parts.join(';');
      const input = { rule: parsed(text), startDate: localDateOfEpochDay(startDay), startMinutes: minutes, window: { from: localDateOfEpochDay(from), to: localDateOfEpochDay(from + length) }, timezone };
      const auto = expandOccurrenceDates(input);
      const walked = expandOccurrenceDates(input, 'rrule');
      if (walked.dates.length > 0) sliced += 1;
      if (JSON.stringify(auto.dates) !== JSON.stringify(walked.dates) || JSON.stringify(auto.days) !== JSON.stringify(walked.days)) {
        throw new Error(`${text} start ${input.startDate} ${timezone} slice ${input.window.from}..${input.window.to}: ${JSON.stringify(auto.dates)} != ${JSON.stringify(walked.dates)}`);
      }
    }),
    { numRuns: 3000 },
  );
  t.ok(sliced > 500, `many one-to-nine-day slices have dates to compare (${sliced})`);
});

t.test('rules the direct expansion leaves to rrule.js', async (t) => {
  const rows = [
    { name: 'a WEEKLY rule with BYDAY only is direct', rule: 'FREQ=WEEKLY;BYDAY=MO,WE', direct: true },
    { name: 'a DAILY rule every third day until a date is direct', rule: 'FREQ=DAILY;INTERVAL=3;UNTIL=20270101', direct: true },
    { name: 'COUNT is counted from DTSTART: rrule.js', rule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=10', direct: false },
    { name: 'BYMONTH: rrule.js', rule: 'FREQ=WEEKLY;BYDAY=MO;BYMONTH=1,7', direct: false },
    { name: 'BYSETPOS: rrule.js', rule: 'FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=1', direct: false },
    { name: 'MONTHLY: rrule.js', rule: 'FREQ=MONTHLY;BYDAY=MO', direct: false },
  ];
  for (const row of rows) t.equal(isDirectRule(parsed(row.rule)), row.direct, row.name);
});
