// Holiday calendars: the all-day events of an .ics file named in
// spec.holidayCalendars become closures of that document's scope (reason: the
// SUMMARY) and close those dates in the next plan; a higher layer reopens one
// date with null; files that cannot be used are problems naming the document
// and the pointer.
import { join } from 'node:path';
import t from 'tap';
import { holidayClosures } from '../../controller/core/closures/holiday-calendar.js';
import { buildConfigSet } from '../../controller/core/config/config-set.js';
import { desiredSessions } from '../../controller/core/generation/desired-sessions.js';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { NOW, series } from '../core/generation/generation-fixtures.js';

const ics = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//holidays//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
let uid = 0;
const allDay = (start: string, end: string | null, summary: string) =>
  ['BEGIN:VEVENT', `UID:h${++uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART;VALUE=DATE:${start}`, ...(end ? [`DTEND;VALUE=DATE:${end}`] : []), `SUMMARY:${summary}`, 'END:VEVENT'].join('\r\n');
const timed = (start: string, summary: string) => ['BEGIN:VEVENT', `UID:t${++uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${start}`, `SUMMARY:${summary}`, 'END:VEVENT'].join('\r\n');

const HOLIDAYS = ics(
  allDay('20260317', '20260318', "St Patrick's Day"),
  allDay('20260406', null, 'Easter Monday'),
  allDay('20260323', '20260326', 'Spring break'),
  timed('20260310T100000Z', 'Staff meeting'),
);

const document = (name: string, scope: string, spec: string) => `apiVersion: scheduling.classctl.dev/v1
kind: SchedulingConfig
metadata: { name: ${name} }
spec:
  scope: ${scope}
${spec}
`;
const BASE = document(
  'base',
  '{}',
  `  holidayCalendars: { ie: holidays/ie.ics }
  settings:
    generation: { enabled: true, horizonDays: 60 }
    dst: { nonexistentTime: shiftForward, ambiguousTime: earlier }
    closures: { "2026-03-17": "St Patrick's Day (our wording)" }
    sessionDefaults: { durationMinutes: 60, capacity: 20 }
    removal: { unbooked: delete, booked: cancel }
    cleanup: { deleteSeriesAfterDays: 0 }
    safety: { maxRemovalsPerRun: 500 }`,
);

t.test('holidayClosures: all-day events, DTEND exclusive, timed events skipped', async (t) => {
  const read = holidayClosures(HOLIDAYS);
  t.same(read, {
    ok: true,
    closures: { '2026-03-17': "St Patrick's Day", '2026-04-06': 'Easter Monday', '2026-03-23/2026-03-25': 'Spring break' },
    events: 3,
    skipped: 1,
  });
  const rows = [
    { name: 'not iCalendar at all', text: 'hello', why: /not iCalendar text/ },
    { name: 'a lone VEVENT', text: 'BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n', why: /not a VCALENDAR/ },
  ];
  for (const row of rows) t.match(holidayClosures(row.text), { ok: false, why: row.why }, row.name);
});

t.test('a holiday .ics in the config directory closes those dates in the next plan; a branch reopens one with null', async (t) => {
  const dir = t.testdir({
    'base.yaml': BASE,
    'branch.yaml': document('branch-downtown', '{ branch: downtown }', '  settings: { closures: { "2026-04-06": null } }'),
    holidays: { 'ie.ics': HOLIDAYS },
  });
  const { documents, problems } = await loadConfigDocumentsFromDir(dir);
  t.same(problems, []);
  const config = buildConfigSet(documents, problems);
  t.same(config.problems, []);
  const generate = (branchId: string) => {
    const resolved = config.resolve(branchId);
    if (!resolved.ok) throw new Error('unresolved');
    const s = series({ branchId, startDate: '2026-03-16', endDate: '2026-04-07' });
    return { resolved, keys: desiredSessions({ series: s, timezone: 'Europe/Dublin', settings: resolved.settings, now: NOW }).sessions.map((x) => x.occurrenceKey) };
  };
  const uptown = generate('uptown');
  t.same(
    uptown.resolved.ok && uptown.resolved.settings.closures,
    { '2026-03-17': "St Patrick's Day (our wording)", '2026-03-23/2026-03-25': 'Spring break', '2026-04-06': 'Easter Monday' },
    "the calendar's dates are closures of the base; the document's own wording wins",
  );
  t.equal(uptown.resolved.ok && uptown.resolved.provenance['/closures/2026-04-06']?.document, 'base', 'explain names the document that named the calendar');
  const closed = (keys: string[]) => ['2026-03-17', '2026-03-23', '2026-03-24', '2026-03-25', '2026-04-06'].filter((d) => !keys.includes(d));
  t.same(closed(uptown.keys), ['2026-03-17', '2026-03-23', '2026-03-24', '2026-03-25', '2026-04-06'], 'every holiday is closed');
  t.ok(uptown.keys.includes('2026-03-26') && uptown.keys.includes('2026-03-18') && uptown.keys.includes('2026-04-07'), 'the days after the holidays are open');
  t.same(closed(generate('downtown').keys), ['2026-03-17', '2026-03-23', '2026-03-24', '2026-03-25'], 'downtown reopens Easter Monday with null');
});

t.test('a calendar that cannot be used is a problem naming the document and the pointer', async (t) => {
  const rows = [
    { name: 'a missing file', calendars: '{ ie: holidays/missing.ics }', pointer: '/spec/holidayCalendars/ie', says: /cannot read .*ENOENT/ },
    { name: 'a file that is not iCalendar', calendars: '{ ie: holidays/bad.ics }', pointer: '/spec/holidayCalendars/ie', says: /not iCalendar text/ },
    { name: 'a plain http URL (only https is fetched)', calendars: '{ gov: "http://example.org/ie.ics" }', pointer: '/spec/holidayCalendars/gov', says: /only https URLs are fetched/ },
    { name: 'a path leaving the config directory', calendars: '{ up: ../ie.ics }', pointer: '/spec/holidayCalendars/up', says: /leaves the config directory/ },
    { name: 'a directory', calendars: '{ dir: holidays }', pointer: '/spec/holidayCalendars/dir', says: /not a regular file/ },
  ];
  for (const row of rows) {
    const dir = t.testdir({
      'base.yaml': BASE.replace('{ ie: holidays/ie.ics }', row.calendars),
      holidays: { 'ie.ics': HOLIDAYS, 'bad.ics': 'this is not a calendar' },
    });
    const { documents, problems } = await loadConfigDocumentsFromDir(dir);
    t.same(problems.map((p) => [p.code, p.document, p.origin, p.pointer, p.scope]), [['CONFIG_HOLIDAY_CALENDAR', 'base', join(dir, 'base.yaml'), row.pointer, 'base']], row.name);
    t.match(problems[0]?.message, row.says, `${row.name}: what is wrong`);
    t.ok(buildConfigSet(documents, problems).blocksAll, `${row.name}: the base's scope is blocked until it is fixed`);
  }
});

t.test('the next plan removes the sessions on the holidays, each with the event as its reason', async (t) => {
  const { openMigratedPglite } = await import('../helpers/backends.js');
  const { loadInputs } = await import('../../controller/store/load.js');
  const { reconcile } = await import('../../controller/runtime/reconcile.js');
  const { baseConfig, silentLogger } = await import('../helpers/fixtures.js');
  const db = await openMigratedPglite(t);
  const loaded = await loadInputs(db, {
    branches: [{ id: 'dub', name: 'Dublin', timezone: 'Europe/Dublin' }],
    series: [{ id: 'yoga', branchId: 'dub', title: 'Yoga', rrule: 'FREQ=DAILY', startDate: '2026-03-16', endDate: '2026-04-07', startTime: '09:00', durationMinutes: 45, capacity: 10, instructorId: null, roomId: null, exdates: [] }],
  });
  t.same(loaded.problems, []);
  t.equal((await reconcile({ db, config: baseConfig({ generation: { enabled: true, horizonDays: 60 } }), logger: silentLogger(), now: NOW, clock: () => NOW, mode: 'apply' })).exitCode, 0, 'sessions exist before the calendar is named');
  const dir = t.testdir({ 'base.yaml': BASE.replace(`closures: { "2026-03-17": "St Patrick's Day (our wording)" }`, 'closures: {}'), holidays: { 'ie.ics': HOLIDAYS } });
  const { documents, problems } = await loadConfigDocumentsFromDir(dir);
  const plan = await reconcile({ db, config: buildConfigSet(documents, problems), logger: silentLogger(), now: NOW, clock: () => NOW, mode: 'plan' });
  t.same(
    plan.plan.branches.flatMap((b) => b.changes).map((c) => [c.action, c.occurrenceKey, c.reason]),
    [
      ['delete', '2026-03-17', "the branch is closed that day (St Patrick's Day)"],
      ['delete', '2026-03-23', 'the branch is closed that day (Spring break)'],
      ['delete', '2026-03-24', 'the branch is closed that day (Spring break)'],
      ['delete', '2026-03-25', 'the branch is closed that day (Spring break)'],
      ['delete', '2026-04-06', 'the branch is closed that day (Easter Monday)'],
    ],
  );
});
