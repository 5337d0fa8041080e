// `classctl get sessions`: the schedule in the branch's zone. The week of the
// 2027 US spring-forward (Sunday 14 March) is listed as a separate process and
// compared with PostgreSQL's own conversion of the stored instants to New York
// time; filters, ranges and errors; and the batches the listing streams in,
// on PGlite and PostgreSQL.
import t from 'tap';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { loadInputs } from '../../controller/store/load.js';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { scheduleBatches, scheduleColumnWidths } from '../../controller/store/schedule.js';
import { instantBounds } from '../../controller/core/schedule/schedule-range.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { eachBackend } from '../helpers/backends.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';
import { runClassctlProcess } from '../helpers/cli-process.js';
import { runClassctlInProcess } from '../helpers/cli.js';

const ZONE = 'America/New_York';
const NOW = Date.parse('2027-03-01T00:00:00Z');
const INPUTS = {
  branches: [
    { id: 'nyc', name: 'New York', timezone: ZONE },
    { id: 'ldn', name: 'London', timezone: 'Europe/London' },
  ],
  series: [
    { id: 'nyc-yoga', branchId: 'nyc', title: 'Yoga', rrule: 'FREQ=DAILY', startDate: '2027-03-01', endDate: '2027-03-31', startTime: '09:00', roomId: 'studio-a', instructorId: 'ana' },
    { id: 'nyc-owl', branchId: 'nyc', title: 'Night Owl Ride', rrule: 'FREQ=WEEKLY;BYDAY=SU', startDate: '2027-03-01', endDate: '2027-03-31', startTime: '02:30', durationMinutes: 45, roomId: 'cycle', instructorId: 'bo' },
    { id: 'nyc-spin', branchId: 'nyc', title: 'Spin', rrule: 'FREQ=WEEKLY;BYDAY=TU,TH', startDate: '2027-03-01', endDate: '2027-03-31', startTime: '18:30', roomId: 'cycle', instructorId: 'bo' },
    { id: 'ldn-barre', branchId: 'ldn', title: 'Barre', rrule: 'FREQ=DAILY', startDate: '2027-03-01', endDate: '2027-03-31', startTime: '09:00', roomId: 'studio-a', instructorId: 'ana' },
  ],
};

async function seed(db: Database): Promise<void> {
  const loaded = await loadInputs(db, INPUTS);
  if (loaded.problems.some((p) => p.severity === 'error')) throw new Error(JSON.stringify(loaded.problems));
  const run = await reconcile({ db, config: baseConfig({ generation: { enabled: true, horizonDays: 40 } }), logger: silentLogger(), now: NOW, clock: () => NOW, mode: 'apply' });
  if (run.exitCode !== 0) throw new Error(`seeding run failed: ${run.outcome}`);
}

if (requirePostgres(t)) {
  t.test('get sessions against PostgreSQL', async (t) => {
    const url = await migratedPostgresDatabase(t);
    const db = await openDatabase({ url });
    t.teardown(() => db.close());
    await seed(db);
    const env = { CLASSCTL_CONTEXTS: '', DATABASE_URL: url };
    const proc = (...args: string[]) => runClassctlProcess(env, ...args);
    const inProcess = (...args: string[]) => runClassctlInProcess(env, '--log-level', 'warn', ...args);

    t.test('a DST week agrees with the database converted to New York time', async (t) => {
      const r = await proc('get', 'sessions', '--branch', 'nyc', '--week', '2027-W10', '-o', 'json');
      t.equal(r.code, 0, r.err);
      const listed = JSON.parse(r.out);
      t.match(listed, { branch: { id: 'nyc', timezone: ZONE }, from: '2027-03-08', to: '2027-03-14' });
      const sql = await db.query<{ series_id: string; local_start: string; local_end: string; starts_at: Date }>(
        `SELECT series_id, to_char(starts_at AT TIME ZONE $2, 'YYYY-MM-DD"T"HH24:MI:SS') AS local_start,
                to_char(ends_at AT TIME ZONE $2, 'YYYY-MM-DD"T"HH24:MI:SS') AS local_end, starts_at
           FROM class_sessions
          WHERE branch_id = $1 AND (starts_at AT TIME ZONE $2)::date BETWEEN '2027-03-08' AND '2027-03-14'
          ORDER BY starts_at, series_id`,
        ['nyc', ZONE],
      );
      t.ok(sql.length >= 10, 'the week has sessions to compare');
      t.same(
        listed.sessions.map((s: { seriesId: string; start: string; end: string; startsAt: string }) => [s.seriesId, s.start.slice(0, 19), s.end.slice(0, 19), s.startsAt]),
        sql.map((s) => [s.series_id, s.local_start, s.local_end, s.starts_at.toISOString()]),
        'every session, in order, at the local times PostgreSQL computes from the stored instants',
      );
      const at = (series: string, date: string) => listed.sessions.find((s: { seriesId: string; date: string }) => s.seriesId === series && s.date === date);
      t.match(at('nyc-yoga', '2027-03-13'), { start: '2027-03-13T09:00:00-05:00', startsAt: '2027-03-13T14:00:00.000Z' }, 'Saturday: EST');
      t.match(at('nyc-yoga', '2027-03-14'), { start: '2027-03-14T09:00:00-04:00', startsAt: '2027-03-14T13:00:00.000Z' }, 'Sunday: the same wall clock, EDT');
      t.match(at('nyc-owl', '2027-03-14'), { start: '2027-03-14T03:30:00-04:00', end: '2027-03-14T04:15:00-04:00' }, '02:30 does not exist that night: shifted forward to 03:30');
      for (const s of listed.sessions) t.equal(Date.parse(s.start), Date.parse(s.startsAt), `${s.seriesId} ${s.date}: local time and instant are one moment`);
    });

    t.test('the table: local columns, and wide adds the offset and UTC instants', async (t) => {
      const r = await proc('get', 'sessions', '--branch', 'nyc', '--from', '2027-03-13', '--to', '2027-03-14', '-o', 'wide');
      t.equal(r.code, 0, r.err);
      const lines = r.out.trimEnd().split('\n');
      t.match(lines[0], /^DATE +DAY +START +END +SERIES +TITLE +ROOM +INSTRUCTOR +STATUS +BOOKED\/CAP +OFFSET +STARTS \(UTC\) +ENDS \(UTC\) +OCCURRENCE +DETACHED +ID$/);
      t.same(
        lines.slice(1).map((l) => l.split(/ {2,}/).slice(0, 5).concat(l.split(/ {2,}/)[10]!)),
        [
          ['2027-03-13', 'Sat', '09:00', '10:00', 'nyc-yoga', '-05:00'],
          ['2027-03-14', 'Sun', '03:30', '04:15', 'nyc-owl', '-04:00'],
          ['2027-03-14', 'Sun', '09:00', '10:00', 'nyc-yoga', '-04:00'],
        ],
        'two local days, in start order, each at its own offset',
      );
      const widths = new Set(lines.map((l) => l.indexOf('STATUS') >= 0 ? l.indexOf('STATUS') : l.search(/scheduled/)));
      t.equal(widths.size, 1, 'the columns line up');
    });

    t.test('filters and ranges', async (t) => {
      const seriesOf = (out: string) => [...new Set((JSON.parse(out).sessions as Array<{ seriesId: string }>).map((s) => s.seriesId))].sort();
      const rows = [
        { name: '--room: only that room', args: ['--week', '2027-W10', '--room', 'cycle'], series: ['nyc-owl', 'nyc-spin'] },
        { name: '--instructor: only that instructor', args: ['--week', '2027-W10', '--instructor', 'ana'], series: ['nyc-yoga'] },
        { name: 'room and instructor together', args: ['--week', '2027-W10', '--room', 'cycle', '--instructor', 'ana'], series: [] },
        { name: '--from/--to one Tuesday: the Tuesday classes', args: ['--from', '2027-03-09', '--to', '2027-03-09'], series: ['nyc-spin', 'nyc-yoga'] },
        { name: 'the branch filter: the London series never shows in New York', args: ['--week', '2027-W10'], series: ['nyc-owl', 'nyc-spin', 'nyc-yoga'] },
      ];
      for (const row of rows) {
        const r = await inProcess('get', 'sessions', '--branch', 'nyc', ...row.args, '-o', 'json');
        t.equal(r.code, 0, `${row.name}: ${r.err}`);
        t.same(seriesOf(r.out), row.series, row.name);
      }
      const sunday = await inProcess('get', 'sessions', '--branch', 'nyc', '--now', '2027-03-15T02:00:00Z', '-o', 'json');
      t.match(JSON.parse(sunday.out), { from: '2027-03-08', to: '2027-03-14' }, 'the default week is the one holding today in New York (Sunday there, Monday in UTC)');
      const none = await inProcess('get', 'sessions', '--branch', 'nyc', '--week', '2027-W20');
      t.equal(none.code, 0);
      t.equal(none.out, '', 'no table when nothing matches');
      t.match(none.err, 'No sessions in branch nyc from 2027-05-17 to 2027-05-23 (America/New_York)');
    });

    t.test('bad input is a usage error (exit 2) that says what to do', async (t) => {
      const unknown = await proc('get', 'sessions', '--branch', 'nope', '--week', '2027-W10');
      t.equal(unknown.code, 2, 'an unknown branch');
      t.match(unknown.err, /No branch "nope" .* Branches: ldn, nyc\./);
      const rows = [
        { name: 'not an ISO week', args: ['--week', '2027-10'], message: /--week "2027-10" is not an ISO week; write YEAR-Wnn/ },
        { name: 'a 53rd week of a 52-week year', args: ['--week', '2027-W53'], message: /not an ISO week/ },
        { name: '--week with --from', args: ['--week', '2027-W10', '--from', '2027-03-08', '--to', '2027-03-09'], message: /exclude each other/ },
        { name: '--from without --to', args: ['--from', '2027-03-08'], message: /--from and --to go together/ },
        { name: 'an impossible date', args: ['--from', '2027-02-30', '--to', '2027-03-01'], message: /--from "2027-02-30" is not a date/ },
        { name: '--to before --from', args: ['--from', '2027-03-09', '--to', '2027-03-08'], message: /--to 2027-03-08 is before --from 2027-03-09/ },
        { name: 'an unknown output format', args: ['--week', '2027-W10', '-o', 'yaml'], message: /Allowed choices are table, wide, json/ },
        { name: '--branch is required', args: [], message: /required option '--branch <id>'/, noBranch: true },
      ];
      for (const row of rows) {
        const r = await inProcess('get', 'sessions', ...(row.noBranch ? [] : ['--branch', 'nyc']), ...row.args);
        t.equal(r.code, 2, `${row.name}: exit 2`);
        t.match(r.err, row.message, row.name);
      }
    });
  });
}

eachBackend(t, 'the listing streams in batches: every session once, in start order, whatever the batch size', async (t, db) => {
  await seed(db);
  const filter = { branchId: 'nyc', ...instantBounds({ from: '2027-03-01', to: '2027-03-31' }, ZONE) };
  const whole: string[] = [];
  for await (const batch of scheduleBatches(db, filter, 10_000)) whole.push(...batch.map((s) => `${s.startsAt.toISOString()} ${s.seriesId}`));
  t.ok(whole.length > 40, 'a month of sessions');
  t.same([...whole].sort(), whole, 'in start order');
  for (const size of [1, 3, 7]) {
    const paged: string[] = [];
    let batches = 0;
    for await (const batch of scheduleBatches(db, filter, size)) {
      t.ok(batch.length <= size, `batch of at most ${size}`);
      batches++;
      paged.push(...batch.map((s) => `${s.startsAt.toISOString()} ${s.seriesId}`));
    }
    t.same(paged, whole, `batches of ${size}: the same rows, none twice, none missing`);
    t.ok(batches >= Math.ceil(whole.length / size), `batches of ${size}: ${batches} queries`);
  }
  const widths = await scheduleColumnWidths(db, filter);
  t.match(widths, { series: 'nyc-yoga'.length, title: 'Night Owl Ride'.length, rows: whole.length }, 'column widths and count over the whole listing');
});
