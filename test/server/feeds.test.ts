// Calendar feeds: every feed is parsed with ical.js and compared with the
// database (same sessions, same instants, across DST weeks in
// Australia/Lord_Howe, America/Santiago and Europe/Dublin); UIDs stay, SEQUENCE
// grows with a change, cancelled sessions are marked; HTTP caching (ETag,
// 304) and access (a wrong or missing token is an unknown route); and
// `classctl export ics` writes the very document the server serves.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import t from 'tap';
import { feedToken, feedUrl, type FeedTarget } from '../../controller/core/calendar/feed-target.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { createMetrics } from '../../controller/runtime/metrics.js';
import { buildApp } from '../../controller/server/app.js';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { feedBatches, feedWhere } from '../../controller/store/feed-sessions.js';
import { loadInputs } from '../../controller/store/load.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { BASE_SETTINGS, baseConfig, configOf, doc, silentLogger } from '../helpers/fixtures.js';

/** 2026-09-01: the next 60 days hold Santiago's spring-forward at midnight (6 Sep), Lord Howe's half-hour shift (4 Oct) and Dublin's fall-back (25 Oct). */
const NOW = Date.parse('2026-09-01T00:00:00Z');
const SECRET = 'feed-secret-for-tests';
const CONFIG = baseConfig({ generation: { enabled: true, horizonDays: 60 } });

const series = (id: string, branchId: string, startTime: string, extra: Record<string, unknown> = {}) => ({
  id, branchId, title: `Class ${id}`, rrule: 'FREQ=DAILY', startDate: '2026-08-01', endDate: '2026-10-31', startTime, durationMinutes: 60, capacity: 10, instructorId: 'ana', roomId: 'studio', exdates: [], ...extra,
});
const INPUTS = {
  branches: [
    { id: 'lhi', name: 'Lord Howe', timezone: 'Australia/Lord_Howe' },
    { id: 'scl', name: 'Santiago', timezone: 'America/Santiago' },
    { id: 'dub', name: 'Dublin', timezone: 'Europe/Dublin' },
  ],
  series: [
    series('lhi-swim', 'lhi', '02:15'),
    series('scl-midnight', 'scl', '00:00', { instructorId: 'bo' }),
    series('dub-yoga', 'dub', '01:30', { roomId: 'hall', instructorId: 'bo' }),
    series('dub-spin', 'dub', '18:00'),
    // 23:00 in Santiago is the next day in UTC: its key is a month behind the UTC date of its start at a month's end.
    series('scl-late', 'scl', '23:00', { instructorId: 'cy', roomId: 'annex' }),
  ],
};

interface ParsedEvent {
  uid: string;
  start: string;
  end: string;
  sequence: number;
  status: string;
  summary: string;
  location: string;
}

function parseFeed(text: string): ParsedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      sequence: e.sequence,
      status: String(v.getFirstPropertyValue('status')),
      summary: e.summary,
      location: e.location,
    };
  });
}

async function stored(db: Database, where: string, params: unknown[]): Promise<Array<Pick<ParsedEvent, 'uid' | 'start' | 'end' | 'sequence' | 'status'>>> {
  const rows = await db.query<{ uid: string; starts_at: Date; ends_at: Date; revision: number; status: string }>(
    `SELECT series_id || '/' || occurrence_key || '@classctl' AS uid, starts_at, ends_at, revision, status FROM class_sessions
      WHERE starts_at >= $1::timestamptz AND ${where} ORDER BY starts_at, series_id COLLATE "C", occurrence_key COLLATE "C"`,
    [new Date(NOW - 30 * 86_400_000).toISOString(), ...params],
  );
  return rows.map((r) => ({ uid: r.uid, start: r.starts_at.toISOString(), end: r.ends_at.toISOString(), sequence: r.revision, status: r.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED' }));
}

const pick = (events: ParsedEvent[]) => events.map(({ uid, start, end, sequence, status }) => ({ uid, start, end, sequence, status }));

if (requirePostgres(t)) {
  t.test('calendar feeds against PostgreSQL', async (t) => {
    const url = await migratedPostgresDatabase(t);
    const db = await openDatabase({ url });
    t.teardown(() => db.close());
    const loaded = await loadInputs(db, INPUTS);
    t.same(loaded.problems, []);
    const first = await reconcile({ db, config: CONFIG, logger: silentLogger(), now: NOW, clock: () => NOW, mode: 'apply' });
    t.equal(first.exitCode, 0);
    const app = await buildApp({ db, loadConfig: async () => CONFIG, clock: () => NOW, trigger: () => true, registry: createMetrics({ version: 't', nodeVersion: 'v20' }).registry, feedSecret: SECRET });
    t.teardown(() => app.close());
    const pathOf = (target: FeedTarget) => new URL(feedUrl('http://x', SECRET, target)).pathname + new URL(feedUrl('http://x', SECRET, target)).search;
    const get = (path: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: path, headers });

    const feeds: Array<{ name: string; target: FeedTarget; where: string; params: unknown[] }> = [
      { name: 'Lord Howe (30-minute DST shift on 4 Oct)', target: { kind: 'branch', branchId: 'lhi' }, where: 'branch_id = $2', params: ['lhi'] },
      { name: 'Santiago (midnight spring-forward on 6 Sep)', target: { kind: 'branch', branchId: 'scl' }, where: 'branch_id = $2', params: ['scl'] },
      { name: 'Dublin (fall-back on 25 Oct)', target: { kind: 'branch', branchId: 'dub' }, where: 'branch_id = $2', params: ['dub'] },
      { name: 'a room of Dublin', target: { kind: 'room', branchId: 'dub', roomId: 'hall' }, where: 'branch_id = $2 AND room_id = $3', params: ['dub', 'hall'] },
      { name: 'an instructor across branches', target: { kind: 'instructor', instructorId: 'bo' }, where: 'instructor_id = $2', params: ['bo'] },
    ];

    t.test('each feed holds exactly the stored sessions at their stored instants', async (t) => {
      for (const f of feeds) {
        const r = await get(pathOf(f.target));
        t.equal(r.statusCode, 200, f.name);
        t.match(r.headers['content-type'], /^text\/calendar/, `${f.name}: text/calendar`);
        const events = parseFeed(r.body);
        const want = await stored(db, f.where, f.params);
        t.ok(want.length > 40, `${f.name}: ${want.length} sessions to compare`);
        t.same(pick(events), want, `${f.name}: same sessions, same instants`);
        t.match(r.body, /DTSTART:\d{8}T\d{6}Z/, `${f.name}: times in UTC`);
      }
      const lhi = parseFeed((await get(pathOf(feeds[0]!.target))).body);
      t.same(
        lhi.filter((e) => e.uid.endsWith('2026-10-03@classctl') || e.uid.endsWith('2026-10-04@classctl')).map((e) => e.start),
        ['2026-10-02T15:45:00.000Z', '2026-10-03T15:45:00.000Z'],
        'Lord Howe 02:15 on 4 Oct falls in the half-hour gap and shifts to 02:45 (+11:00): the same instant as 02:15 (+10:30) the day before',
      );
      const dub = parseFeed((await get(pathOf(feeds[2]!.target))).body);
      t.same(
        dub.filter((e) => /dub-yoga\/2026-10-2[56]@/.test(e.uid)).map((e) => e.start),
        ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
        'Dublin 01:30 on fall-back day is the earlier (IST) instant, then GMT',
      );
      const scl = parseFeed((await get(pathOf(feeds[1]!.target))).body);
      t.same(scl.filter((e) => /scl-midnight\/2026-09-0[67]@/.test(e.uid)).map((e) => e.start), ['2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z'], 'Santiago midnight on 6 Sep does not exist: 01:00 (-03)');
      const bo = parseFeed((await get(pathOf(feeds[4]!.target))).body);
      t.same([...new Set(bo.map((e) => e.location.split(', ').pop()))].sort(), ['Dublin', 'Santiago'], "the instructor's feed spans both branches, each location naming its branch");
    });

    t.test('the store reads a feed in batches: small batches give the same sessions as one', async (t) => {
      const filter = { branchId: null, roomId: null, instructorId: 'bo', fromMs: NOW - 30 * 86_400_000, toMs: NOW + 365 * 86_400_000 };
      const read = async (rows: number) => {
        const out: string[] = [];
        let batches = 0;
        for await (const batch of feedBatches(db, filter, rows)) {
          batches++;
          out.push(...batch.map((s) => `${s.seriesId}/${s.occurrenceKey} ${s.startsAt.toISOString()}`));
        }
        return { out, batches };
      };
      const whole = await read(100_000);
      const small = await read(7);
      t.equal(whole.batches, 1);
      t.ok(small.batches > 10, `${small.batches} batches of 7`);
      t.same(small.out, whole.out, 'the same sessions in the same order, none repeated or lost at a batch edge');
    });

    // An instructor's sessions are read by the month of their occurrence key
    // (the local date), which can be a month before or after the UTC date of
    // their start: windows that end or begin at a month's edge.
    const keysOf = async (instructorId: string, fromIso: string, toIso: string) => {
      const keys: string[] = [];
      for await (const batch of feedBatches(db, { branchId: null, roomId: null, instructorId, fromMs: Date.parse(fromIso), toMs: Date.parse(toIso) })) {
        keys.push(...batch.map((s) => `${s.seriesId}/${s.occurrenceKey} ${s.startsAt.toISOString()}`));
      }
      return keys;
    };
    const monthEdges = [
      {
        name: 'Lord Howe 02:15 on 1 Oct starts on 30 Sep in UTC: a window that ends with September has it',
        instructorId: 'ana', from: '2026-09-30T12:00:00Z', to: '2026-09-30T23:00:00Z',
        want: ['lhi-swim/2026-10-01 2026-09-30T15:45:00.000Z', 'dub-spin/2026-09-30 2026-09-30T17:00:00.000Z'],
      },
      {
        name: 'Santiago 23:00 on 30 Sep starts on 1 Oct in UTC: a window that begins with October has it',
        instructorId: 'cy', from: '2026-10-01T00:00:00Z', to: '2026-10-01T12:00:00Z',
        want: ['scl-late/2026-09-30 2026-10-01T02:00:00.000Z'],
      },
      { name: 'a window of one hour holds only what starts in it', instructorId: 'cy', from: '2026-10-01T02:30:00Z', to: '2026-10-01T03:30:00Z', want: [] },
    ];
    for (const row of monthEdges) {
      t.test(`instructor feed at a month's edge: ${row.name}`, async (t) => {
        t.same(await keysOf(row.instructorId, row.from, row.to), row.want);
      });
    }

    t.test("an instructor's feed can be read through the (instructor, month) index", async (t) => {
      // With sequential scans off the planner takes an index whenever the
      // query's conditions match one: a condition that hid the instructor
      // column, or another month expression, would leave only other paths.
      const { where, params } = feedWhere({ branchId: null, roomId: null, instructorId: 'bo', fromMs: NOW, toMs: NOW + 30 * 86_400_000 });
      const plan = await db.transaction(async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        await tx.query('SET LOCAL enable_bitmapscan = on');
        const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT * FROM class_sessions WHERE ${where}`, params);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      t.match(plan, /class_sessions_instructor_month_idx/, plan);
    });

    t.test('HTTP: ETag and Last-Modified, 304 on If-None-Match, the same document twice', async (t) => {
      const path = pathOf(feeds[2]!.target);
      const a = await get(path);
      const b = await get(path);
      t.ok(a.headers.etag, 'an ETag');
      t.ok(a.headers['last-modified'], 'a Last-Modified');
      t.equal(a.body, b.body, 'the same bytes twice');
      t.equal(a.headers.etag, b.headers.etag);
      const c = await get(path, { 'if-none-match': String(a.headers.etag) });
      t.equal(c.statusCode, 304, '304 for the current ETag');
      t.equal(c.body, '', 'no body');
      t.equal((await get(path, { 'if-none-match': '"stale"' })).statusCode, 200, 'a stale ETag gets the feed');
    });

    t.test('access: a missing, wrong or other feed\'s token, and an unknown branch, are all an unknown route', async (t) => {
      const unknownRoute = await get('/no/such/route');
      const rows = [
        { name: 'no token', url: '/feeds/branches/dub.ics' },
        { name: 'a wrong token', url: '/feeds/branches/dub.ics?token=guess' },
        { name: "another feed's token", url: `/feeds/branches/dub.ics?token=${feedToken(SECRET, { kind: 'branch', branchId: 'lhi' })}` },
        { name: 'a token made with another secret', url: `/feeds/branches/dub.ics?token=${feedToken('other', { kind: 'branch', branchId: 'dub' })}` },
        { name: 'an unknown branch with its valid token', url: `/feeds/branches/nowhere.ics?token=${feedToken(SECRET, { kind: 'branch', branchId: 'nowhere' })}` },
        { name: 'no .ics suffix', url: `/feeds/branches/dub?token=${feedToken(SECRET, { kind: 'branch', branchId: 'dub' })}` },
      ];
      for (const row of rows) {
        const r = await get(row.url);
        t.equal(r.statusCode, 404, row.name);
        t.equal(r.json().code, unknownRoute.json().code, `${row.name}: the body of an unknown route`);
      }
      const noSecret = await buildApp({ db, loadConfig: async () => CONFIG, clock: () => NOW, trigger: () => true, registry: createMetrics({ version: 't', nodeVersion: 'v20' }).registry });
      t.teardown(() => noSecret.close());
      t.equal((await noSecret.inject({ method: 'GET', url: pathOf(feeds[0]!.target) })).statusCode, 404, 'a server without a feed secret serves no feed');
    });

    t.test('feeds.public: a public branch serves its branch and room feeds without a token, nothing else opens', async (t) => {
      const publicDublin = configOf(
        doc('base', {}, { ...BASE_SETTINGS, generation: { enabled: true, horizonDays: 60 } }),
        doc('branch-dub', { branch: 'dub' }, { feeds: { public: true } }),
      );
      const open = await buildApp({ db, loadConfig: async () => publicDublin, clock: () => NOW, trigger: () => true, registry: createMetrics({ version: 't', nodeVersion: 'v20' }).registry, feedSecret: SECRET });
      t.teardown(() => open.close());
      const rows = [
        { name: "the public branch's feed, no token", url: '/feeds/branches/dub.ics', status: 200 },
        { name: "a room of the public branch, no token", url: '/feeds/branches/dub/rooms/hall.ics', status: 200 },
        { name: 'another branch, no token', url: '/feeds/branches/lhi.ics', status: 404 },
        { name: "an instructor's feed (it spans branches), no token", url: '/feeds/instructors/bo.ics', status: 404 },
        { name: 'another branch with its token', url: pathOf({ kind: 'branch', branchId: 'lhi' }), status: 200 },
      ];
      for (const row of rows) t.equal((await open.inject({ method: 'GET', url: row.url })).statusCode, row.status, row.name);
      const same = await open.inject({ method: 'GET', url: '/feeds/branches/dub.ics' });
      t.equal(same.body, (await get(pathOf({ kind: 'branch', branchId: 'dub' }))).body, 'the public feed is the same document as the one behind the token');
      const noSecret = await buildApp({ db, loadConfig: async () => publicDublin, clock: () => NOW, trigger: () => true, registry: createMetrics({ version: 't', nodeVersion: 'v20' }).registry });
      t.teardown(() => noSecret.close());
      t.equal((await noSecret.inject({ method: 'GET', url: '/feeds/branches/dub.ics' })).statusCode, 200, 'a public feed needs no feed secret on the server either');
    });

    t.test('an update keeps every UID, raises SEQUENCE, and a cancelled session is marked', async (t) => {
      const path = pathOf(feeds[2]!.target);
      const before = parseFeed((await get(path)).body);
      const etag = (await get(path)).headers.etag;
      // The series' title changes (a run updates its future sessions), and the host application cancels one session.
      const changed = { ...INPUTS, series: INPUTS.series.map((s) => (s.id === 'dub-spin' ? { ...s, title: 'Spin (new)' } : s)) };
      t.same((await loadInputs(db, changed)).problems, []);
      const later = NOW + 3_600_000;
      const run = await reconcile({ db, config: CONFIG, logger: silentLogger(), now: later, clock: () => later, mode: 'apply' });
      t.equal(run.exitCode, 0);
      await db.query(`UPDATE class_sessions SET status = 'cancelled', updated_at = now() WHERE series_id = 'dub-yoga' AND occurrence_key = '2026-10-10'`);
      await db.query(`UPDATE class_sessions SET booked_count = 3 WHERE series_id = 'dub-yoga' AND occurrence_key = '2026-10-11'`);
      const r = await get(path);
      const after = parseFeed(r.body);
      t.not(r.headers.etag, etag, 'a new ETag');
      t.same(after.map((e) => e.uid), before.map((e) => e.uid), 'the same UIDs, in the same order');
      const byUid = new Map(before.map((e) => [e.uid, e]));
      for (const e of after) {
        const old = byUid.get(e.uid)!;
        if (e.summary === 'Spin (new)') t.ok(e.sequence > old.sequence, `${e.uid}: SEQUENCE ${old.sequence} → ${e.sequence}`);
      }
      t.ok(after.some((e) => e.summary === 'Spin (new)'), 'the new title is in the feed');
      t.ok(after.filter((e) => e.uid.startsWith('dub-spin/') && Date.parse(e.start) <= later).every((e) => e.summary === 'Class dub-spin'), 'sessions that had started keep their title');
      const cancelled = after.find((e) => e.uid === 'dub-yoga/2026-10-10@classctl')!;
      t.match(cancelled, { status: 'CANCELLED', sequence: byUid.get(cancelled.uid)!.sequence + 1 }, 'the cancelled session is marked, with a higher SEQUENCE');
      const booked = after.find((e) => e.uid === 'dub-yoga/2026-10-11@classctl')!;
      t.equal(booked.sequence, byUid.get(booked.uid)!.sequence, 'a booking (not shown in a calendar) leaves SEQUENCE as it was');
      t.same(pick(after), await stored(db, 'branch_id = $2', ['dub']), 'still exactly the database');
    });

    t.test('classctl export ics writes what the server serves; --url prints a URL the server accepts', async (t) => {
      const env = { CLASSCTL_CONTEXTS: '', DATABASE_URL: url, CLASSCTL_FEED_SECRET: SECRET };
      const dir = mkdtempSync(join(tmpdir(), 'classctl-ics-'));
      const out = join(dir, 'dub.ics');
      const r = await runClassctlInProcess(env, '--log-level', 'warn', 'export', 'ics', '--branch', 'dub', '--now', new Date(NOW).toISOString(), '--out', out);
      t.equal(r.code, 0, r.err);
      t.match(r.err, /Wrote \d+ sessions to /);
      t.equal(readFileSync(out, 'utf8'), (await get(pathOf(feeds[2]!.target))).body, 'byte for byte');
      const stdout = await runClassctlInProcess(env, '--log-level', 'warn', 'export', 'ics', '--branch', 'dub', '--room', 'hall', '--from', '2026-10-01T00:00:00Z', '--to', '2026-10-08T00:00:00Z');
      t.equal(stdout.code, 0, stdout.err);
      t.same(parseFeed(stdout.out).map((e) => e.uid), ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'].map((d) => `dub-yoga/${d}@classctl`), '--from and --to bound the start instants');
      const link = await runClassctlInProcess(env, '--log-level', 'warn', 'export', 'ics', '--instructor', 'bo', '--url', 'https://classes.example.com/');
      t.equal(link.code, 0, link.err);
      const served = new URL(link.out.trim());
      t.equal(served.origin + served.pathname, 'https://classes.example.com/feeds/instructors/bo.ics');
      t.equal((await get(served.pathname + served.search)).statusCode, 200, 'the printed URL opens the feed');
      const rows = [
        { name: 'no feed named', args: [], says: /Name the feed/ },
        { name: 'room and instructor', args: ['--branch', 'dub', '--room', 'hall', '--instructor', 'bo'], says: /exclude each other/ },
        { name: 'a bad --from', args: ['--branch', 'dub', '--from', '2026-10-01'], says: /--from "2026-10-01" is not an ISO instant/ },
        { name: '--url without the secret', args: ['--branch', 'dub', '--url', 'https://x'], env: { CLASSCTL_FEED_SECRET: '' }, says: /--url needs CLASSCTL_FEED_SECRET/ },
      ];
      for (const row of rows) {
        const e = await runClassctlInProcess({ ...env, ...row.env }, '--log-level', 'warn', 'export', 'ics', ...row.args);
        t.equal(e.code, 2, `${row.name}: a usage error`);
        t.match(e.err, row.says, row.name);
      }
      const missing = await runClassctlInProcess(env, '--log-level', 'warn', 'export', 'ics', '--branch', 'nowhere');
      t.not(missing.code, 0, 'an unknown branch is an error');
      t.match(missing.err, /No branch "nowhere"/);
    });
  });
}
