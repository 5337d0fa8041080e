// Closure keys: whole days, inclusive ranges of days and parts of a day; what
// each one cancels in generation, what the configuration refuses, and how a
// layer removes an inherited one with null.
import t from 'tap';
import { readClosureKey } from '../../../controller/core/closures/closure-key.js';
import { closureIndex, closureReasonFor } from '../../../controller/core/closures/closure-index.js';
import { desiredSessions } from '../../../controller/core/generation/desired-sessions.js';
import type { ClassSeries } from '../../../controller/core/types.js';
import { baseDoc, BASE_SETTINGS, branchDoc, brief, configOf } from '../../config/fixtures/config-fixtures.js';
import { NOW, at, series, settings } from '../generation/generation-fixtures.js';

t.test('readClosureKey reads the three forms and says what is wrong with the rest', async (t) => {
  const rows = [
    { name: 'a single date', key: '2026-12-25', want: { kind: 'days', from: '2026-12-25', to: '2026-12-25' } },
    { name: 'a range, both ends included', key: '2026-12-24/2026-12-26', want: { kind: 'days', from: '2026-12-24', to: '2026-12-26' } },
    { name: 'a one-day range is a day', key: '2026-12-24/2026-12-24', want: { kind: 'days', from: '2026-12-24', to: '2026-12-24' } },
    { name: 'part of a day', key: '2026-12-24T12:00/18:00', want: { kind: 'hours', date: '2026-12-24', fromMinutes: 720, toMinutes: 1080 } },
    { name: 'part of a day up to midnight', key: '2026-12-24T18:00/24:00', want: { kind: 'hours', date: '2026-12-24', fromMinutes: 1080, toMinutes: 1440 } },
    { name: 'a day that does not exist', key: '2026-02-30', why: /"2026-02-30" is not a calendar date/ },
    { name: 'a range ending on a day that does not exist', key: '2026-02-27/2026-02-30', why: /"2026-02-30" is not a calendar date/ },
    { name: 'a range that ends before it starts', key: '2026-12-26/2026-12-24', why: /ends \(2026-12-24\) before it starts/ },
    { name: 'an end before the start', key: '2026-12-24T18:00/12:00', why: /end 12:00 is not after the start 18:00/ },
    { name: 'an empty part of a day', key: '2026-12-24T12:00/12:00', why: /not after the start/ },
    { name: 'a start hour past the day', key: '2026-12-24T24:00/24:00', why: /start 24:00 is not a time of day/ },
    { name: 'minutes past 59', key: '2026-12-24T12:60/13:00', why: /start 12:60/ },
    { name: 'an end past midnight', key: '2026-12-24T22:00/24:30', why: /end 24:30/ },
  ];
  for (const row of rows) {
    const read = readClosureKey(row.key);
    if (row.want) t.same(read, { ok: true, key: row.want }, row.name);
    else t.match(read, { ok: false, why: row.why }, row.name);
  }
});

t.test('closureIndex finds a date in single dates and in ranges, overlapping or not', async (t) => {
  const index = closureIndex({
    '2026-12-25': 'Christmas Day',
    '2026-12-20/2026-12-31': 'Winter break',
    '2026-12-22/2026-12-23': 'Painting',
    '2027-01-05/2027-01-06': 'Inventory',
    '2026-12-18T12:00/18:00': 'Staff party',
  });
  const rows = [
    { name: 'a single date wins over a range around it', date: '2026-12-25', want: 'Christmas Day' },
    { name: 'the first day of a range', date: '2026-12-20', want: 'Winter break' },
    { name: 'the last day of a range', date: '2026-12-31', want: 'Winter break' },
    { name: 'inside a range nested in a longer one', date: '2026-12-22', want: 'Painting' },
    { name: 'after a nested range, still in the longer one', date: '2026-12-24', want: 'Winter break' },
    { name: 'between two ranges', date: '2027-01-02', want: undefined },
    { name: 'the day after the last range', date: '2027-01-07', want: undefined },
    { name: 'before every range', date: '2026-12-19', want: undefined },
    { name: 'a part-day closure does not close the whole day', date: '2026-12-18', want: undefined },
  ];
  for (const row of rows) t.equal(index.dayReason(row.date), row.want, row.name);
  t.same(index.hoursOn('2026-12-18'), [{ fromMinutes: 720, toMinutes: 1080, reason: 'Staff party' }], 'the part of the day is listed by its date');
  t.ok(index.hasHours);
  t.equal(closureReasonFor({ '2026-12-18T12:00/18:00': 'Staff party' }, '2026-12-18'), 'the branch is closed from 12:00 to 18:00 on 2026-12-18 (Staff party)', 'the plan names the hours');
  t.equal(closureReasonFor({ '2026-12-20/2026-12-31': 'Winter break' }, '2026-12-21'), 'the branch is closed that day (Winter break)');
});

function keys(patch: Partial<ClassSeries>, closures: Record<string, string>, zone = 'America/New_York', now = NOW, ambiguousTime: 'earlier' | 'later' = 'earlier'): string[] {
  return desiredSessions({ series: series(patch), timezone: zone, settings: settings({ closures, dst: { ambiguousTime } }), now }).sessions.map((s) => s.occurrenceKey);
}

t.test('generation: a range drops every date in it, a part of a day only the sessions that overlap it', async (t) => {
  // A daily series at 09:00 for 45 minutes (New York), 2026-03-02 to 2026-03-06.
  const week = { startDate: '2026-03-02', endDate: '2026-03-06' };
  const all = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'];
  const rows: Array<{ name: string; patch: Partial<ClassSeries>; closures: Record<string, string>; want: string[]; now?: number; ambiguousTime?: 'later' }> = [
    { name: 'a range closes both its ends and the days between', patch: week, closures: { '2026-03-03/2026-03-05': 'Works' }, want: ['2026-03-02', '2026-03-06'] },
    { name: 'a range reaching past the series changes only the days in it', patch: week, closures: { '2026-03-05/2026-04-30': 'Spring' }, want: ['2026-03-02', '2026-03-03', '2026-03-04'] },
    { name: 'part of a day overlapping the session cancels it', patch: week, closures: { '2026-03-04T09:30/12:00': 'Fire drill' }, want: ['2026-03-02', '2026-03-03', '2026-03-05', '2026-03-06'] },
    { name: 'part of a day covering the session cancels it', patch: week, closures: { '2026-03-04T00:00/24:00': 'All day in hours' }, want: ['2026-03-02', '2026-03-03', '2026-03-05', '2026-03-06'] },
    { name: 'part of a day starting when the session ends keeps it (end excluded)', patch: week, closures: { '2026-03-04T09:45/12:00': 'Afternoon' }, want: all },
    { name: 'part of a day ending when the session starts keeps it', patch: week, closures: { '2026-03-04T06:00/09:00': 'Early cleaning' }, want: all },
    { name: 'part of another day keeps the sessions of this one', patch: week, closures: { '2026-03-07T09:00/10:00': 'Saturday' }, want: all },
    {
      name: 'a session running past midnight is cancelled by a closure early the next day',
      patch: { ...week, startTime: '23:30', durationMinutes: 60 },
      closures: { '2026-03-05T00:00/01:00': 'Night maintenance' },
      want: ['2026-03-02', '2026-03-03', '2026-03-05', '2026-03-06'],
    },
    {
      name: 'a closure starting in the spring-forward gap is read from the end of the gap (03:00 EDT)',
      patch: { startDate: '2026-03-07', endDate: '2026-03-09', startTime: '03:00' },
      closures: { '2026-03-08T02:30/03:30': 'Clock change' },
      want: ['2026-03-07', '2026-03-09'],
    },
    {
      name: 'in the fall-back overlap a closure to 01:30 reaches the later 01:30 (EST), so a session at the later 01:10 is cancelled',
      patch: { startDate: '2026-10-31', endDate: '2026-11-02', startTime: '01:10', durationMinutes: 10 },
      closures: { '2026-11-01T00:00/01:30': 'Overnight' },
      want: ['2026-10-31', '2026-11-02'],
      now: at('2026-10-01T12:00:00Z'),
      ambiguousTime: 'later',
    },
    {
      name: 'in the fall-back overlap a closure from 01:30 starts at the earlier 01:30 (EDT), so a session at the earlier 01:40 is cancelled',
      patch: { startDate: '2026-10-31', endDate: '2026-11-02', startTime: '01:40', durationMinutes: 10 },
      closures: { '2026-11-01T01:30/02:00': 'Overnight' },
      want: ['2026-10-31', '2026-11-02'],
      now: at('2026-10-01T12:00:00Z'),
    },
  ];
  for (const row of rows) t.same(keys(row.patch, row.closures, 'America/New_York', row.now ?? NOW, row.ambiguousTime), row.want, row.name);
});

t.test('configuration: closure keys are checked with the document and pointer, and null removes an inherited range', async (t) => {
  const bad = [
    { name: 'not a date at all', key: 'Christmas', message: /Closure "Christmas" is not a closure key: write a local date "2026-12-25", a range/ },
    { name: 'a day that does not exist', key: '2026-02-30', message: /Closure "2026-02-30": "2026-02-30" is not a calendar date/ },
    { name: 'a reversed range', key: '2026-12-26/2026-12-24', message: /before it starts/ },
    { name: 'hours in the wrong order', key: '2026-12-24T18:00/12:00', message: /not after the start/ },
    { name: 'a start time without an end', key: '2026-12-24T12:00', message: /is not a closure key/ },
  ];
  for (const row of bad) {
    const config = configOf(baseDoc(), branchDoc('downtown', { closures: { [row.key]: 'Reason' } }));
    const escaped = row.key.replaceAll('~', '~0').replaceAll('/', '~1');
    t.same(config.problems.map(brief), [`CONFIG_SCHEMA branch:downtown branch-downtown /spec/settings/closures/${escaped}`], `${row.name}: the document and the pointer`);
    t.match(config.problems[0]?.message, row.message, `${row.name}: what to write instead`);
  }

  const base = { ...BASE_SETTINGS, closures: { '2026-12-24/2026-12-26': 'Christmas break', '2026-12-31T12:00/24:00': "New Year's Eve" } };
  const layered = configOf(baseDoc(base), branchDoc('downtown', { closures: { '2026-12-24/2026-12-26': null, '2026-12-25': 'Christmas Day' } }), branchDoc('uptown', {}));
  t.same(layered.problems, []);
  const downtown = layered.resolve('downtown');
  const uptown = layered.resolve('uptown');
  t.same(downtown.ok && downtown.settings.closures, { '2026-12-25': 'Christmas Day', '2026-12-31T12:00/24:00': "New Year's Eve" }, 'a branch removes the inherited range with null and closes one day instead');
  t.same(uptown.ok && uptown.settings.closures, base.closures, 'another branch keeps the range');
  t.equal(downtown.ok && downtown.provenance['/closures/2026-12-24~12026-12-26'], undefined, 'the removed range has no provenance');
});

t.test('a plan removes the sessions a new closure covers, and says which closure', async (t) => {
  const { openMigratedPglite } = await import('../../helpers/backends.js');
  const { loadInputs } = await import('../../../controller/store/load.js');
  const { reconcile } = await import('../../../controller/runtime/reconcile.js');
  const { baseConfig, silentLogger } = await import('../../helpers/fixtures.js');
  const db = await openMigratedPglite(t);
  const loaded = await loadInputs(db, {
    branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
    series: [
      { id: 'am', branchId: 'ny', title: 'Morning', rrule: 'FREQ=DAILY', startDate: '2026-03-02', endDate: '2026-03-08', startTime: '09:00', durationMinutes: 45, capacity: 10, instructorId: null, roomId: null, exdates: [] },
      { id: 'pm', branchId: 'ny', title: 'Evening', rrule: 'FREQ=DAILY', startDate: '2026-03-02', endDate: '2026-03-08', startTime: '18:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: [] },
    ],
  });
  t.same(loaded.problems, []);
  const run = (closures: Record<string, string>, mode: 'plan' | 'apply') =>
    reconcile({ db, config: baseConfig({ closures }), logger: silentLogger(), now: NOW, clock: () => NOW, mode });
  t.equal((await run({}, 'apply')).exitCode, 0);
  const plan = await run({ '2026-03-03/2026-03-04': 'Works', '2026-03-06T17:00/19:00': 'Staff meeting' }, 'plan');
  const removals = plan.plan.branches.flatMap((b) => b.changes).map((c) => [c.action, c.seriesId, c.occurrenceKey, c.reason]);
  t.same(
    removals,
    [
      ['delete', 'am', '2026-03-03', 'the branch is closed that day (Works)'],
      ['delete', 'am', '2026-03-04', 'the branch is closed that day (Works)'],
      ['delete', 'pm', '2026-03-03', 'the branch is closed that day (Works)'],
      ['delete', 'pm', '2026-03-04', 'the branch is closed that day (Works)'],
      ['delete', 'pm', '2026-03-06', 'the branch is closed from 17:00 to 19:00 on 2026-03-06 (Staff meeting)'],
    ],
    "the range removes both series' sessions on its days; the part of a day only the evening session",
  );
});
