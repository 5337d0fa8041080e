// The generation rules (window, expansion, DST, started sessions, enabled), each as named rows over desiredSessions().
import t from 'tap';
import { desiredSessions, type GenerationInput } from '../../../controller/core/generation/desired-sessions.js';
import type { ClassSeries } from '../../../controller/core/types.js';
import { NOW, at, iso, series, settings, wallClock, type SettingsOverrides } from './generation-fixtures.js';

function run(patch: Partial<ClassSeries>, opts: { zone?: string; now?: string; settings?: SettingsOverrides } = {}) {
  const input: GenerationInput = {
    series: series(patch),
    timezone: opts.zone ?? 'America/New_York',
    settings: settings(opts.settings),
    now: opts.now === undefined ? NOW : at(opts.now),
  };
  return desiredSessions(input);
}

const keys = (r: ReturnType<typeof run>): string[] => r.sessions.map((s) => s.occurrenceKey);

t.test('rule 1: today is the local date of now in the branch zone', async (t) => {
  const rows = [
    { name: 'New York at 22:00 EST is still March 1st (UTC is already the 2nd)', zone: 'America/New_York', now: '2026-03-02T03:00:00Z', today: '2026-03-01' },
    { name: 'Tokyo at 09:00 JST on March 2nd (UTC is still the 1st)', zone: 'Asia/Tokyo', now: '2026-03-02T00:00:00Z', today: '2026-03-02' },
  ];
  for (const row of rows) {
    const r = run({ startDate: '2026-01-01' }, { zone: row.zone, now: row.now, settings: { generation: { horizonDays: 3 } } });
    t.equal(r.today, row.today, row.name);
    t.same(r.window, { from: row.today, to: addDaysText(row.today, 3) }, `${row.name}: the window starts today`);
  }
});

function addDaysText(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

t.test('rule 2: the window is inclusive at both ends', async (t) => {
  const rows = [
    { name: 'start and end dates are both included', patch: { startDate: '2026-03-12', endDate: '2026-03-15' }, want: ['2026-03-12', '2026-03-13', '2026-03-14', '2026-03-15'] },
    { name: 'an end date inside the window ends generation on that date', patch: { startDate: '2026-01-01', endDate: '2026-03-04' }, want: ['2026-03-02', '2026-03-03', '2026-03-04'] },
    { name: 'the horizon day (today + horizonDays) is included, the day after is not', patch: { startDate: '2026-01-01' }, horizon: 5, want: ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'] },
    { name: 'a series that ended before today yields nothing and an empty window', patch: { startDate: '2026-01-01', endDate: '2026-02-28' }, want: [] },
    { name: 'a series that starts after the horizon yields nothing', patch: { startDate: '2026-06-01' }, want: [] },
  ];
  // now = 2026-03-01 07:00 EST; today's 09:00 session is still ahead but the rows start later or check tomorrow on.
  for (const row of rows) {
    const r = run(row.patch, { now: '2026-03-01T15:00:00Z', settings: { generation: { horizonDays: row.horizon ?? 56 } } });
    t.same(keys(r), row.want, row.name);
  }
  t.equal(run({ startDate: '2026-01-01', endDate: '2026-02-28' }, { now: '2026-03-01T15:00:00Z' }).window, null, 'the window of an ended series is null');
  const horizon = run({ startDate: '2026-01-01' }, { now: '2026-03-01T15:00:00Z', settings: { generation: { horizonDays: 5 } } });
  t.same(horizon.window, { from: '2026-03-01', to: '2026-03-06' }, 'horizonDays 5 from 2026-03-01 ends on 2026-03-06');
});

t.test('rule 3: exdates and closures drop their dates, nothing else', async (t) => {
  const base = { startDate: '2026-03-02', endDate: '2026-03-06' };
  const rows = [
    { name: 'an exdate drops its date', patch: { ...base, exdates: ['2026-03-04'] }, closures: {}, want: ['2026-03-02', '2026-03-03', '2026-03-05', '2026-03-06'] },
    { name: 'a closure drops its date for every series of the scope', patch: base, closures: { '2026-03-03': 'Floods' }, want: ['2026-03-02', '2026-03-04', '2026-03-05', '2026-03-06'] },
    { name: 'exdates and closures together', patch: { ...base, exdates: ['2026-03-02'] }, closures: { '2026-03-06': 'Staff day' }, want: ['2026-03-03', '2026-03-04', '2026-03-05'] },
    { name: 'an exdate outside the window changes nothing', patch: { ...base, exdates: ['2026-02-01'] }, closures: {}, want: ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'] },
  ];
  for (const row of rows) t.same(keys(run(row.patch, { settings: { closures: row.closures } })), row.want, row.name);
});

t.test('rule 3: rule shapes end to end', async (t) => {
  const rows = [
    { name: 'FREQ=MONTHLY;BYMONTHDAY=31 skips April and June', patch: { rrule: 'FREQ=MONTHLY;BYMONTHDAY=31', startDate: '2026-03-01' }, horizon: 152, want: ['2026-03-31', '2026-05-31', '2026-07-31'] },
    { name: 'FREQ=MONTHLY;BYDAY=-1SU: last Sundays', patch: { rrule: 'FREQ=MONTHLY;BYDAY=-1SU', startDate: '2026-01-01' }, horizon: 91, want: ['2026-03-29', '2026-04-26', '2026-05-31'] },
    { name: 'COUNT=3 from startDate', patch: { rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3', startDate: '2026-02-23' }, horizon: 90, want: ['2026-03-02', '2026-03-09'] },
    { name: 'UNTIL as a date is inclusive', patch: { rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20260316', startDate: '2026-01-01' }, horizon: 90, want: ['2026-03-02', '2026-03-09', '2026-03-16'] },
  ];
  for (const row of rows) t.same(keys(run(row.patch, { settings: { generation: { horizonDays: row.horizon } } })), row.want, row.name);
});

t.test('rule 4: start times in a spring-forward gap, per policy', async (t) => {
  const rows = [
    { name: 'America/New_York 02:30', zone: 'America/New_York', date: '2026-03-08', time: '02:30', shifted: '2026-03-08T07:30:00Z', local: '2026-03-08T03:30' },
    { name: 'Europe/London 01:30', zone: 'Europe/London', date: '2026-03-29', time: '01:30', shifted: '2026-03-29T01:30:00Z', local: '2026-03-29T02:30' },
    { name: 'Australia/Lord_Howe 02:15 (30-minute shift)', zone: 'Australia/Lord_Howe', date: '2026-10-04', time: '02:15', shifted: '2026-10-03T15:45:00Z', local: '2026-10-04T02:45' },
    { name: 'America/Santiago 00:00 (midnight transition)', zone: 'America/Santiago', date: '2026-09-06', time: '00:00', shifted: '2026-09-06T04:00:00Z', local: '2026-09-06T01:00' },
    { name: 'America/Havana 00:00 (midnight transition)', zone: 'America/Havana', date: '2026-03-08', time: '00:00', shifted: '2026-03-08T05:00:00Z', local: '2026-03-08T01:00' },
    { name: 'Europe/Dublin 01:30 (negative DST in tzdata)', zone: 'Europe/Dublin', date: '2026-03-29', time: '01:30', shifted: '2026-03-29T01:30:00Z', local: '2026-03-29T02:30' },
  ];
  for (const row of rows) {
    const patch = { startDate: addDaysText(row.date, -1), endDate: addDaysText(row.date, 1), startTime: row.time, durationMinutes: 60 };
    const now = `${addDaysText(row.date, -7)}T12:00:00Z`;
    const shifted = run(patch, { zone: row.zone, now, settings: { dst: { nonexistentTime: 'shiftForward' } } });
    const s = shifted.sessions.find((x) => x.occurrenceKey === row.date);
    t.equal(s && iso(s.startsAt), row.shifted, `${row.name}: shiftForward starts at ${row.local} local`);
    t.equal(s && wallClock(s.startsAt, row.zone), row.local, `${row.name}: the wall clock shows the shifted time`);
    t.equal(s && s.endsAt - s.startsAt, 3_600_000, `${row.name}: ends_at = starts_at + duration`);
    t.same(shifted.skippedByDst, [], `${row.name}: shiftForward skips nothing`);
    t.same(keys(shifted), [addDaysText(row.date, -1), row.date, addDaysText(row.date, 1)], `${row.name}: the days around it are untouched`);

    const skipped = run(patch, { zone: row.zone, now, settings: { dst: { nonexistentTime: 'skip' } } });
    t.same(keys(skipped), [addDaysText(row.date, -1), addDaysText(row.date, 1)], `${row.name}: skip drops that date only`);
    t.same(skipped.skippedByDst, [row.date], `${row.name}: skip reports the date`);
  }
});

t.test('rule 4: start times repeated by a fall-back, per policy', async (t) => {
  const rows = [
    { name: 'America/New_York 01:30', zone: 'America/New_York', date: '2026-11-01', time: '01:30', earlier: '2026-11-01T05:30:00Z', later: '2026-11-01T06:30:00Z' },
    { name: 'Europe/London 01:30', zone: 'Europe/London', date: '2026-10-25', time: '01:30', earlier: '2026-10-25T00:30:00Z', later: '2026-10-25T01:30:00Z' },
    { name: 'Europe/Dublin 01:30 (negative DST: same instants as London)', zone: 'Europe/Dublin', date: '2026-10-25', time: '01:30', earlier: '2026-10-25T00:30:00Z', later: '2026-10-25T01:30:00Z' },
    { name: 'Australia/Lord_Howe 01:45 (30 minutes apart)', zone: 'Australia/Lord_Howe', date: '2026-04-05', time: '01:45', earlier: '2026-04-04T14:45:00Z', later: '2026-04-04T15:15:00Z' },
    { name: 'America/Santiago 23:30 on the Saturday', zone: 'America/Santiago', date: '2026-04-04', time: '23:30', earlier: '2026-04-05T02:30:00Z', later: '2026-04-05T03:30:00Z' },
    { name: 'America/Havana 00:30', zone: 'America/Havana', date: '2026-11-01', time: '00:30', earlier: '2026-11-01T04:30:00Z', later: '2026-11-01T05:30:00Z' },
  ];
  for (const row of rows) {
    const patch = { startDate: row.date, endDate: row.date, startTime: row.time };
    const now = `${addDaysText(row.date, -7)}T12:00:00Z`;
    for (const policy of ['earlier', 'later'] as const) {
      const r = run(patch, { zone: row.zone, now, settings: { dst: { ambiguousTime: policy } } });
      t.equal(r.sessions.length, 1, `${row.name} (${policy}): one session, never two`);
      t.equal(r.sessions[0] && iso(r.sessions[0].startsAt), row[policy], `${row.name}: ${policy}`);
      t.equal(r.sessions[0] && wallClock(r.sessions[0].startsAt, row.zone), `${row.date}T${row.time}`, `${row.name} (${policy}): the wall clock shows the series' time`);
    }
  }
});

t.test('rule 4: the wall-clock start stays fixed across DST; the UTC instant moves', async (t) => {
  const r = run({ startDate: '2026-03-07', endDate: '2026-03-09', startTime: '09:00' });
  t.same(
    r.sessions.map((s) => [s.occurrenceKey, iso(s.startsAt), wallClock(s.startsAt, 'America/New_York')]),
    [
      ['2026-03-07', '2026-03-07T14:00:00Z', '2026-03-07T09:00'],
      ['2026-03-08', '2026-03-08T13:00:00Z', '2026-03-08T09:00'],
      ['2026-03-09', '2026-03-09T13:00:00Z', '2026-03-09T09:00'],
    ],
  );
  const overnight = run({ startDate: '2026-03-07', endDate: '2026-03-07', startTime: '23:30', durationMinutes: 240 });
  t.equal(overnight.sessions[0] && (overnight.sessions[0].endsAt - overnight.sessions[0].startsAt) / 60_000, 240, 'a 4-hour class over the gap lasts 4 real hours');
  t.equal(overnight.sessions[0] && wallClock(overnight.sessions[0].endsAt, 'America/New_York'), '2026-03-08T04:30', 'so its wall-clock end is 04:30, not 03:30');
});

t.test('rule 5: on the day now falls, a started session is not generated, a later one is', async (t) => {
  // now = 2026-03-10 11:00 EDT
  const now = '2026-03-10T15:00:00Z';
  const rows = [
    { name: 'started at 09:00 today: not generated', time: '09:00', want: ['2026-03-11'] },
    { name: 'starts at 18:00 today: generated', time: '18:00', want: ['2026-03-10', '2026-03-11'] },
    { name: 'starts exactly now (11:00): has started, not generated', time: '11:00', want: ['2026-03-11'] },
    { name: 'starts one minute after now: generated', time: '11:01', want: ['2026-03-10', '2026-03-11'] },
  ];
  for (const row of rows) {
    const r = run({ startDate: '2026-03-01', endDate: '2026-03-11', startTime: row.time }, { now });
    t.same(keys(r), row.want, row.name);
    t.ok(r.sessions.every((s) => s.startsAt > at(now)), `${row.name}: every session starts after now`);
  }
});

t.test('session fields: series values win, resolved sessionDefaults fill the nulls', async (t) => {
  const one = { startDate: '2026-03-02', endDate: '2026-03-02' };
  const own = run({ ...one, durationMinutes: 45, capacity: 12 }).sessions[0];
  t.match(own, {
    seriesId: 'yoga-mon',
    branchId: 'downtown',
    occurrenceKey: '2026-03-02',
    title: 'Morning Yoga',
    timezone: 'America/New_York',
    instructorId: 'ana',
    roomId: 'studio-1',
    capacity: 12,
  });
  t.equal(own && own.endsAt - own.startsAt, 45 * 60_000, "the series' own duration");
  const defaults = run({ ...one, durationMinutes: null, capacity: null, instructorId: null, roomId: null }, { settings: { sessionDefaults: { durationMinutes: 75, capacity: 30 } } }).sessions[0];
  t.equal(defaults && defaults.endsAt - defaults.startsAt, 75 * 60_000, 'null duration: sessionDefaults.durationMinutes');
  t.equal(defaults?.capacity, 30, 'null capacity: sessionDefaults.capacity');
  t.equal(defaults?.instructorId, null, 'no instructor stays null');
  t.equal(defaults?.roomId, null, 'no room stays null');
});

t.test('rule 8: generation.enabled false generates nothing and reports nothing', async (t) => {
  const r = run({ rrule: 'FREQ=HOURLY' }, { settings: { generation: { enabled: false } } });
  t.equal(r.disabled, true, 'disabled');
  t.same(r.sessions, [], 'no sessions');
  t.same(r.problems, [], 'not even the invalid rule is reported: a disabled series is parked');
  t.equal(r.window, null, 'no window');
  t.equal(run({}).disabled, false, 'enabled by default');
});

t.test('an invalid series yields no sessions and the problems that explain why', async (t) => {
  const r = run({ rrule: 'FREQ=DAILY;BYHOUR=9', endDate: '2025-01-01' });
  t.same(r.sessions, []);
  t.same(
    r.problems.map((p) => [p.code, p.pointer]),
    [
      ['SERIES_RRULE', '/rrule'],
      ['SERIES_INVALID', '/endDate'],
    ],
  );
  const zone = run({}, { zone: 'Atlantis/Capital' });
  t.same(zone.problems.map((p) => p.code), ['BRANCH_TIMEZONE'], 'an unknown zone');
  t.equal(zone.today, '2026-03-01', 'today falls back to the UTC date when the zone is unknown');
});

t.test('a COUNT too large to walk is a warning, not an error', async (t) => {
  const r = run({ rrule: 'FREQ=DAILY;COUNT=999999', startDate: '1900-01-01' });
  t.same(r.sessions, [], 'occurrences past the cap are not generated');
  t.match(r.problems, [{ code: 'SERIES_EXPANSION_CAP', severity: 'warning', pointer: '/rrule', scope: 'series:yoga-mon', message: /COUNT=999999.*20000 occurrences.*Replace COUNT with UNTIL/ }]);
});

t.test('sessions are sorted by occurrence key with one session per key', async (t) => {
  const r = run({ rrule: 'FREQ=WEEKLY;BYDAY=SU,MO,SA', startDate: '2026-01-01' });
  const k = keys(r);
  t.same(k, [...k].sort(), 'sorted');
  t.equal(new Set(k).size, k.length, 'unique');
  t.equal(k.length, 25, 'Sundays, Mondays and Saturdays from Sunday 03-01 to Sunday 04-26: 9 + 8 + 8');
});
