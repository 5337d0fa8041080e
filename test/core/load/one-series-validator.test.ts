// `classctl load` and generation judge a series by one validator: every rule
// a run would refuse with SERIES_RRULE (or a field it would refuse with
// SERIES_INVALID) is refused by load at the same field, and what load accepts
// a run accepts. A table of the rules load used to store and every run then
// refused, and a property over random rule texts built from RRULE parts.
import t from 'tap';
import fc from 'fast-check';
import { validateLoadDocument } from '../../../controller/core/load/validate-load.js';
import { validateSeries } from '../../../controller/core/generation/series-validation.js';
import type { ClassSeries } from '../../../controller/core/types.js';

const BRANCH = { id: 'downtown', name: 'Downtown', timezone: 'America/New_York' };
const SERIES = {
  id: 'yoga', branchId: 'downtown', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO',
  startDate: '2026-09-07', endDate: null, startTime: '07:00', durationMinutes: 60, capacity: 20,
  instructorId: null, roomId: null, exdates: [],
};

/** A load file whose fourth series (index 3) carries `patch`. */
function fileWith(patch: Record<string, unknown>) {
  const ok = (id: string) => ({ ...SERIES, id });
  return { branches: [BRANCH], series: [ok('a'), ok('b'), ok('c'), { ...SERIES, id: 'bad', ...patch }] };
}

function loadProblems(patch: Record<string, unknown>) {
  return validateLoadDocument(fileWith(patch)).problems;
}

function generationProblems(patch: Record<string, unknown>) {
  const row = { ...SERIES, id: 'bad', ...patch, version: '1' } as ClassSeries;
  return validateSeries(row, BRANCH.timezone);
}

t.test('load refuses each rule a run refuses, at the series\' rrule pointer', async (t) => {
  const rows: Array<{ name: string; rrule: string; says: RegExp }> = [
    { name: 'an ordinal 0 (BYDAY=0MO)', rrule: 'FREQ=MONTHLY;BYDAY=0MO', says: /'0MO' is not a weekday/ },
    { name: 'an ordinal past 53 (BYDAY=59MO)', rrule: 'FREQ=MONTHLY;BYDAY=59MO', says: /'59MO' is not a weekday/ },
    { name: 'an ordinal weekday in a weekly rule', rrule: 'FREQ=WEEKLY;BYDAY=2MO', says: /ordinal weekday .* needs FREQ=MONTHLY or YEARLY/ },
    { name: 'BYSETPOS with nothing to pick from', rrule: 'FREQ=MONTHLY;BYSETPOS=1', says: /BYSETPOS needs another BY part/ },
    { name: 'an ordinal weekday in a daily rule', rrule: 'FREQ=DAILY;BYDAY=1MO', says: /needs FREQ=MONTHLY or YEARLY/ },
    { name: 'BYYEARDAY in a weekly rule', rrule: 'FREQ=WEEKLY;BYYEARDAY=100', says: /BYYEARDAY needs FREQ=YEARLY/ },
    { name: 'UNTIL in month 13', rrule: 'FREQ=DAILY;UNTIL=20261399', says: /UNTIL=20261399 is not a date/ },
    { name: 'UNTIL on 30 February', rrule: 'FREQ=DAILY;UNTIL=20270230', says: /UNTIL=20270230 is not a date/ },
  ];
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const generation = generationProblems({ rrule: row.rrule });
      t.ok(generation.length > 0, 'generation refuses it');
      t.ok(generation.every((p) => p.code === 'SERIES_RRULE' && p.pointer === '/rrule'), 'as SERIES_RRULE at /rrule');
      const load = loadProblems({ rrule: row.rrule });
      t.strictSame(load.map((p) => p.pointer), generation.map(() => '/series/3/rrule'), 'load refuses it at /series/3/rrule, once per reason');
      t.match(load[0]!.message, row.says, 'naming the part to fix');
      t.match(load[0]!.message, /^series #3 "bad": rrule /, 'naming the row and the field');
      t.strictSame(
        load.map((p) => p.message.replace(/^series #3 "bad": /, '')),
        generation.map((p) => p.message.replace(/^Series bad: /, '')),
        'with the very sentence a run would log',
      );
    });
  }
});

t.test('load and generation agree on the other schedule fields', async (t) => {
  const rows: Array<{ name: string; patch: Record<string, unknown>; pointer: string }> = [
    { name: 'a start date that does not exist', patch: { startDate: '2026-02-29' }, pointer: '/startDate' },
    { name: 'an end before the start', patch: { endDate: '2026-09-01' }, pointer: '/endDate' },
    { name: 'a start time of 24:00', patch: { startTime: '24:00' }, pointer: '/startTime' },
    { name: 'a duration over a day', patch: { durationMinutes: 1441 }, pointer: '/durationMinutes' },
    { name: 'a capacity past the database column', patch: { capacity: 2_147_483_648 }, pointer: '/capacity' },
    { name: 'an exdate on 31 April', patch: { exdates: ['2026-04-31'] }, pointer: '/exdates/0' },
  ];
  for (const row of rows) {
    const generation = generationProblems(row.patch);
    const load = loadProblems(row.patch);
    t.strictSame(generation.map((p) => p.pointer), [row.pointer], `${row.name}: generation refuses it at ${row.pointer}`);
    t.strictSame(load.map((p) => p.pointer), [`/series/3${row.pointer}`], `${row.name}: load refuses it at /series/3${row.pointer}`);
  }
});

t.test('rules both accept, including forms generation reads leniently', async (t) => {
  const rows = ['FREQ=MONTHLY;BYDAY=-1SU', 'FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO', 'rrule:freq=weekly;byday=mo', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', 'FREQ=DAILY;UNTIL=20261231T180000Z'];
  for (const rrule of rows) {
    t.strictSame(generationProblems({ rrule }), [], `${rrule}: generation accepts it`);
    t.strictSame(loadProblems({ rrule }), [], `${rrule}: load accepts it`);
  }
});

t.test('property: over random rule texts, load refuses exactly what generation refuses', async (t) => {
  const part = fc.oneof(
    fc.constantFrom('FREQ=DAILY', 'FREQ=WEEKLY', 'FREQ=MONTHLY', 'FREQ=YEARLY', 'FREQ=HOURLY', 'INTERVAL=0', 'INTERVAL=2', 'COUNT=5', 'WKST=SU', 'WKST=XX', 'DTSTART=20260101'),
    fc.tuple(fc.integer({ min: -60, max: 60 }), fc.constantFrom('MO', 'FR', 'SU', 'XY'), fc.boolean()).map(([n, d, plain]) => `BYDAY=${plain ? '' : n}${d}`),
    fc.tuple(fc.constantFrom('BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYMONTH', 'BYSETPOS'), fc.integer({ min: -400, max: 400 })).map(([k, n]) => `${k}=${n}`),
    fc.tuple(fc.integer({ min: 2025, max: 2027 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 32 })).map(
      ([y, m, d]) => `UNTIL=${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`,
    ),
  );
  fc.assert(
    fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
      const rrule = parts.join(';');
      const generation = generationProblems({ rrule });
      const load = loadProblems({ rrule });
      return generation.length === load.length && load.every((p) => p.pointer === '/series/3/rrule');
    }),
    { numRuns: 2000, seed: 20261202 },
  );
  t.pass('2000 random rules judged alike');
});
