// The read APIs behind the web console, through app.inject on the embedded
// database and on PostgreSQL: the week schedule (local times in two zones
// equal to the stored instants, DST days, closures, filters, double bookings
// on both sessions, the bound), the plan grouped by branch and series (its
// totals equal the plan `reconcile --output json` reports), a run's
// changes page by page, branches, series and problems; bad parameters 400,
// unknown ids 404.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { parse as parseYaml } from 'yaml';
import { buildConfigSet, type ConfigSet } from '../../controller/core/config/config-set.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { eachBackend, emptyTables, sharedTestDatabase } from '../helpers/backends.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { BASE_SETTINGS, configOf, doc, silentLogger } from '../helpers/fixtures.js';
import { NOW, testApp } from './helpers.js';

const CONFIG = configOf(doc('base', {}, BASE_SETTINGS));

const weekly = (id: string, branchId: string, byday: string, startTime: string, durationMinutes: number, roomId: string, instructorId: string) => ({
  id, branchId, title: `Class ${id}`, rrule: `FREQ=WEEKLY;BYDAY=${byday}`, startDate: '2026-11-01', endDate: null, startTime, durationMinutes, capacity: 12, instructorId, roomId, exdates: [],
});

/**
 * Two zones. In New York, Ana teaches yoga (studio-a) at 09:00 on Mondays and
 * spin (studio-b) at 09:30: a double booking of an instructor.
 */
const INPUTS = {
  branches: [
    { id: 'ny', name: 'New York', timezone: 'America/New_York' },
    { id: 'lon', name: null, timezone: 'Europe/London' },
  ],
  series: [
    weekly('ny-yoga', 'ny', 'MO,WE,FR', '09:00', 60, 'studio-a', 'ana'),
    weekly('ny-spin', 'ny', 'MO', '09:30', 45, 'studio-b', 'ana'),
    weekly('ny-pilates', 'ny', 'TU', '18:00', 60, 'studio-a', 'bo'),
    weekly('lon-barre', 'lon', 'TU,TH', '07:30', 60, 'hall', 'cy'),
  ],
};

async function seeded(db: Database): Promise<void> {
  const r = await loadInputs(db, INPUTS);
  if (r.problems.length) throw new Error(JSON.stringify(r.problems));
  const applied = await reconcile({ db, config: CONFIG, logger: silentLogger(), now: NOW, mode: 'apply' });
  if (applied.outcome !== 'succeeded') throw new Error(`seeding apply ${applied.outcome}`);
}

interface SessionJson {
  id: string;
  seriesId: string;
  start: string;
  end: string;
  localDate: string;
  localStart: string;
  localEnd: string;
  room: string | null;
  instructor: string | null;
  status: string;
  conflicts: Array<{ kind: string; sessionId: string; seriesId: string }>;
}

eachBackend(t, 'GET /api/schedule', async (t, db) => {
  await seeded(db);
  const { app } = await testApp(t, db, { config: CONFIG });
  const get = (url: string) => app.inject({ method: 'GET', url });

  t.test('a week in two zones: local times in each branch zone, instants equal to the stored ones', async (t) => {
    const stored = new Map(
      (await db.query<{ id: string; starts_at: Date; ends_at: Date }>(`SELECT id::text AS id, starts_at, ends_at FROM class_sessions`)).map((r) => [r.id, r]),
    );
    const rows = [
      { branch: 'ny', timeZone: 'America/New_York', name: 'New York', sessions: 5, first: { seriesId: 'ny-yoga', localDate: '2026-11-30', localStart: '09:00', localEnd: '10:00', start: '2026-11-30T14:00:00.000Z' } },
      { branch: 'lon', timeZone: 'Europe/London', name: 'lon', sessions: 2, first: { seriesId: 'lon-barre', localDate: '2026-12-01', localStart: '07:30', localEnd: '08:30', start: '2026-12-01T07:30:00.000Z' } },
    ];
    for (const row of rows) {
      const res = await get(`/api/schedule?branch=${row.branch}&from=2026-11-30&days=7`);
      t.equal(res.statusCode, 200, row.branch);
      const body = res.json();
      t.same(body.branch, { id: row.branch, name: row.name, timeZone: row.timeZone });
      t.equal(body.from, '2026-11-30');
      t.equal(body.to, '2026-12-07', 'to is exclusive');
      t.equal(body.days.length, 7);
      t.equal(body.truncated, false);
      t.equal(body.sessions.length, row.sessions);
      t.match(body.sessions[0], row.first);
      const starts = body.sessions.map((s: SessionJson) => s.start);
      t.same(starts, [...starts].sort(), 'ordered by start');
      for (const s of body.sessions as SessionJson[]) {
        const db = stored.get(s.id);
        t.ok(db, `session ${s.id} is a stored one`);
        t.equal(s.start, db!.starts_at.toISOString(), 'start equals the stored instant');
        t.equal(s.end, db!.ends_at.toISOString(), 'end equals the stored instant');
      }
    }
  });

  t.test('from defaults to today in the branch zone, days to 7', async (t) => {
    const res = await get('/api/schedule?branch=ny');
    t.equal(res.statusCode, 200);
    t.equal(res.json().from, '2026-11-25');
    t.equal(res.json().to, '2026-12-02');
  });

  t.test('a double booking of an instructor is reported on both sessions, even when a filter hides one', async (t) => {
    const all = (await get('/api/schedule?branch=ny&from=2026-11-30&days=1')).json().sessions as SessionJson[];
    const yoga = all.find((s) => s.seriesId === 'ny-yoga')!;
    const spin = all.find((s) => s.seriesId === 'ny-spin')!;
    t.same(yoga.conflicts, [{ kind: 'instructor', sessionId: spin.id, seriesId: 'ny-spin' }]);
    t.same(spin.conflicts, [{ kind: 'instructor', sessionId: yoga.id, seriesId: 'ny-yoga' }]);
    const filtered = (await get('/api/schedule?branch=ny&from=2026-11-30&days=1&room=studio-b')).json().sessions as SessionJson[];
    t.same(filtered.map((s) => s.seriesId), ['ny-spin'], 'the room filter shows studio-b only');
    t.same(filtered[0]!.conflicts, [{ kind: 'instructor', sessionId: yoga.id, seriesId: 'ny-yoga' }], 'the hidden yoga session is still named');
    const wednesday = (await get('/api/schedule?branch=ny&from=2026-12-02&days=1')).json().sessions as SessionJson[];
    t.same(wednesday.map((s) => s.conflicts.length), [0], 'no conflict on a day without overlap');
  });

  t.test('booked count and a session a person edited (detached) are shown as stored', async (t) => {
    await db.query(`UPDATE class_sessions SET booked_count = 7, detached = true WHERE series_id = 'ny-pilates' AND occurrence_key = '2026-12-01'`);
    const day = (await get('/api/schedule?branch=ny&from=2026-12-01&days=1')).json().sessions;
    t.match(day, [{ seriesId: 'ny-pilates', booked: 7, capacity: 12, detached: true, status: 'scheduled', localStart: '18:00', localEnd: '19:00' }]);
  });

  t.test('a branch whose zone is not an IANA zone: 422 BRANCH_TIMEZONE', async (t) => {
    await db.query(`INSERT INTO branches (id, name, timezone) VALUES ('mars', 'Mars', 'Mars/Olympus_Mons')`);
    const res = await get('/api/schedule?branch=mars');
    t.equal(res.statusCode, 422);
    t.equal(res.json().code, 'BRANCH_TIMEZONE');
    await db.query(`DELETE FROM branches WHERE id = 'mars'`);
  });

  t.test('a cancelled session is no double booking', async (t) => {
    await db.query(`UPDATE class_sessions SET status = 'cancelled' WHERE series_id = 'ny-spin' AND occurrence_key = '2026-12-07'`);
    const day = (await get('/api/schedule?branch=ny&from=2026-12-07&days=1')).json().sessions as SessionJson[];
    t.same(day.map((s) => [s.seriesId, s.status, s.conflicts.length]), [['ny-yoga', 'scheduled', 0], ['ny-spin', 'cancelled', 0]]);
  });

  t.test('room and instructor filters, repeated', async (t) => {
    const rows = [
      { name: 'one room', query: 'room=studio-a', series: ['ny-yoga', 'ny-pilates', 'ny-yoga', 'ny-yoga'] },
      { name: 'two rooms', query: 'room=studio-a&room=studio-b', series: ['ny-yoga', 'ny-spin', 'ny-pilates', 'ny-yoga', 'ny-yoga'] },
      { name: 'an instructor', query: 'instructor=bo', series: ['ny-pilates'] },
      { name: 'a room and an instructor', query: 'room=studio-a&instructor=ana', series: ['ny-yoga', 'ny-yoga', 'ny-yoga'] },
      { name: 'a room nobody uses', query: 'room=attic', series: [] },
    ];
    for (const row of rows) {
      const res = await get(`/api/schedule?branch=ny&from=2026-11-30&days=7&${row.query}`);
      t.equal(res.statusCode, 200, row.name);
      t.same(res.json().sessions.map((s: SessionJson) => s.seriesId), row.series, row.name);
    }
  });

  t.test('at most limit sessions: truncated says there were more', async (t) => {
    const cut = (await get('/api/schedule?branch=ny&from=2026-11-30&days=7&limit=2')).json();
    t.equal(cut.sessions.length, 2);
    t.equal(cut.truncated, true);
    t.equal(cut.limit, 2);
    t.ok(cut.sessions[1].conflicts.length === 1, 'a listed session still names its partner beyond the limit');
    const whole = (await get('/api/schedule?branch=ny&from=2026-11-30&days=7&limit=5')).json();
    t.equal(whole.sessions.length, 5);
    t.equal(whole.truncated, false, 'exactly the limit is not truncated');
    t.equal((await get('/api/schedule?branch=ny')).json().limit, 5000, 'the default bound');
  });

  t.test('a day with a DST change is marked with both offsets', async (t) => {
    const rows = [
      { branch: 'ny', from: '2027-03-08', date: '2027-03-14', change: { offsetBefore: '-05:00', offsetAfter: '-04:00' } },
      { branch: 'ny', from: '2026-10-26', date: '2026-11-01', change: { offsetBefore: '-04:00', offsetAfter: '-05:00' } },
      { branch: 'lon', from: '2027-03-22', date: '2027-03-28', change: { offsetBefore: '+00:00', offsetAfter: '+01:00' } },
    ];
    for (const row of rows) {
      const days = (await get(`/api/schedule?branch=${row.branch}&from=${row.from}&days=7`)).json().days as Array<{ date: string; dstChange: unknown }>;
      t.same(days.filter((d) => d.dstChange !== null), [{ date: row.date, dstChange: row.change, closures: [] }], `${row.branch} ${row.date}`);
    }
  });

  t.test('unknown branch: 404 BRANCH_NOT_FOUND naming the branches there are', async (t) => {
    const res = await get('/api/schedule?branch=paris');
    t.equal(res.statusCode, 404);
    t.equal(res.json().code, 'BRANCH_NOT_FOUND');
    t.match(res.json().message, /lon, ny/);
  });

  t.test('bad parameters: 400 INVALID_REQUEST', async (t) => {
    const rows = [
      { name: 'no branch', url: '/api/schedule' },
      { name: 'days 0', url: '/api/schedule?branch=ny&days=0' },
      { name: 'days 32', url: '/api/schedule?branch=ny&days=32' },
      { name: 'days not a number', url: '/api/schedule?branch=ny&days=week' },
      { name: 'from not a date', url: '/api/schedule?branch=ny&from=next-week' },
      { name: 'from not a calendar date', url: '/api/schedule?branch=ny&from=2026-02-30' },
      { name: 'from with a time', url: '/api/schedule?branch=ny&from=2026-11-30T00:00' },
      { name: 'from before 1900', url: '/api/schedule?branch=ny&from=0001-01-01' },
      { name: 'days past 9999', url: '/api/schedule?branch=ny&from=9999-12-20&days=31' },
      { name: 'limit above the bound', url: '/api/schedule?branch=ny&limit=5001' },
      { name: 'a misspelt parameter', url: '/api/schedule?branch=ny&rooms=studio-a' },
      { name: 'an empty room', url: '/api/schedule?branch=ny&room=' },
    ];
    for (const row of rows) {
      const res = await get(row.url);
      t.equal(res.statusCode, 400, row.name);
      t.equal(res.json().code, 'INVALID_REQUEST', row.name);
    }
  });
});

t.test('GET /api/schedule marks closures, whole-day and part-day, in the branch zone', async (t) => {
  // The file's embedded database (opening another costs seconds): only the branch's zone is read.
  const db = await sharedTestDatabase('pglite');
  await emptyTables(db);
  await loadInputs(db, INPUTS);
  const config = configOf(
    doc('base', {}, BASE_SETTINGS),
    doc('ny', { branch: 'ny' }, { closures: { '2026-12-24T12:00/18:00': 'Early close', '2026-12-25': 'Christmas Day', '2026-12-30/2027-01-01': 'New Year' } }),
  );
  const { app } = await testApp(t, db, { config });
  const body = (await app.inject({ method: 'GET', url: '/api/schedule?branch=ny&from=2026-12-24&days=9' })).json();
  t.equal(body.closuresKnown, true);
  const closed = Object.fromEntries((body.days as Array<{ date: string; closures: unknown[] }>).filter((d) => d.closures.length > 0).map((d) => [d.date, d.closures]));
  t.same(closed, {
    '2026-12-24': [{ reason: 'Early close', allDay: false, start: '2026-12-24T17:00:00.000Z', end: '2026-12-24T23:00:00.000Z' }],
    '2026-12-25': [{ reason: 'Christmas Day', allDay: true, start: null, end: null }],
    '2026-12-30': [{ reason: 'New Year', allDay: true, start: null, end: null }],
    '2026-12-31': [{ reason: 'New Year', allDay: true, start: null, end: null }],
    '2027-01-01': [{ reason: 'New Year', allDay: true, start: null, end: null }],
  });
});

eachBackend(t, 'GET /api/branches, /api/series, /api/problems, /api/runs/:id', async (t, db) => {
  await seeded(db);
  const { app } = await testApp(t, db, { config: CONFIG });
  const get = (url: string) => app.inject({ method: 'GET', url });

  t.test('branches with the rooms and instructors their series name', async (t) => {
    const res = await get('/api/branches');
    t.equal(res.statusCode, 200);
    t.same(res.json(), {
      branches: [
        { id: 'lon', name: 'lon', timeZone: 'Europe/London', rooms: ['hall'], instructors: ['cy'] },
        { id: 'ny', name: 'New York', timeZone: 'America/New_York', rooms: ['studio-a', 'studio-b'], instructors: ['ana', 'bo'] },
      ],
      truncated: false,
    });
    t.equal((await get('/api/branches?x=1')).statusCode, 400, 'no parameters taken');
    // A room only a session names (a person moved it): listed with the week it is in, not with the branch.
    await db.query(`UPDATE class_sessions SET room_id = 'annex', detached = true WHERE series_id = 'ny-yoga' AND occurrence_key = '2026-12-02'`);
    t.same((await get('/api/branches')).json().branches[1].rooms, ['studio-a', 'studio-b']);
    const week = (await get('/api/schedule?branch=ny&from=2026-11-30&days=7&room=annex')).json();
    t.same(week.rooms, ['annex', 'studio-a', 'studio-b'], 'the week lists every room of its sessions, whatever the filter');
    t.same(week.instructors, ['ana', 'bo']);
    t.same(week.sessions.map((s: SessionJson) => s.localDate), ['2026-12-02']);
  });

  t.test('series a page at a time, filtered by branch', async (t) => {
    const first = (await get('/api/series?limit=3')).json();
    t.same(first.series.map((s: { id: string }) => s.id), ['lon-barre', 'ny-pilates', 'ny-spin']);
    t.match(first.series[0], { branchId: 'lon', title: 'Class lon-barre', roomId: 'hall', instructorId: 'cy', status: 'active', archived: false, startTime: '07:30' });
    t.type(first.nextCursor, 'string');
    const second = (await get(`/api/series?limit=3&cursor=${first.nextCursor}`)).json();
    t.same(second.series.map((s: { id: string }) => s.id), ['ny-yoga']);
    t.equal(second.nextCursor, null);
    const ny = (await get('/api/series?branch=ny&status=active')).json();
    t.same(ny.series.map((s: { id: string }) => s.id), ['ny-pilates', 'ny-spin', 'ny-yoga']);
    t.same((await get('/api/series?status=archived')).json().series, []);
    t.equal((await get('/api/series?cursor=not-a-cursor')).statusCode, 400, 'a cursor this server did not give');
    t.equal((await get('/api/series?limit=1001')).statusCode, 400);
  });

  t.test('problems of the configuration as validate reports them', async (t) => {
    const res = await get('/api/problems');
    t.equal(res.statusCode, 200);
    t.match(res.json(), { valid: true, blocksAll: false, errors: [], warnings: [] });
    const bad = configOf(doc('base', {}, BASE_SETTINGS), doc('ny', { branch: 'ny' }, { generation: { horizonDays: 'many' } }));
    const { app: badApp } = await testApp(t, db, { config: bad });
    const body = (await badApp.inject({ method: 'GET', url: '/api/problems' })).json();
    t.equal(body.valid, false);
    t.same(body.blockedScopes, ['branch:ny']);
    t.match(body.errors[0], { document: 'ny', pointer: '/spec/settings/generation/horizonDays' });
  });

  t.test("a run's changes page by page, with counts per branch", async (t) => {
    const created = Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions`))[0]!.n);
    const first = (await get('/api/runs/1?limit=4')).json();
    t.match(first.run, { id: '1', status: 'succeeded', mode: 'apply' });
    t.same(first.branches, [{ branchId: 'lon', counts: { create: 4 } }, { branchId: 'ny', counts: { create: created - 4 } }]);
    t.equal(first.changes.length, 4);
    t.match(first.changes[0], { runId: '1', kind: 'create' });
    const seen: string[] = first.changes.map((c: { id: string }) => c.id);
    let cursor: string | null = first.nextCursor;
    while (cursor !== null) {
      const page = (await get(`/api/runs/1?limit=4&cursor=${cursor}`)).json();
      t.notOk('branches' in page, 'counts come with the first page only');
      seen.push(...page.changes.map((c: { id: string }) => c.id));
      cursor = page.nextCursor;
    }
    t.equal(seen.length, created, 'every session the run created, once');
    t.equal(new Set(seen).size, created);
    const rows = [
      { name: 'an unknown run: 404', url: '/api/runs/99', status: 404, code: 'RUN_NOT_FOUND' },
      { name: 'not a run id: 400', url: '/api/runs/abc', status: 400, code: 'INVALID_REQUEST' },
      { name: 'a forged cursor: 400', url: '/api/runs/1?cursor=eyJ4IjoxfQ', status: 400, code: 'INVALID_REQUEST' },
      { name: 'limit above the bound: 400', url: '/api/runs/1?limit=1001', status: 400, code: 'INVALID_REQUEST' },
    ];
    for (const row of rows) {
      const res = await get(row.url);
      t.equal(res.statusCode, row.status, row.name);
      t.equal(res.json().code, row.code, row.name);
    }
  });
});

/** examples/demo.yaml with the configuration in config/: what `npm start` plans. */
async function demo(db: Database): Promise<ConfigSet> {
  const r = await loadInputs(db, parseYaml(await readFile('examples/demo.yaml', 'utf8')));
  if (r.problems.some((p) => p.severity === 'error')) throw new Error(JSON.stringify(r.problems));
  const { documents, problems } = await loadConfigDocumentsFromDir('config');
  return buildConfigSet(documents, problems);
}

eachBackend(t, 'GET /api/plan/summary on the demo data', async (t, db) => {
  const config = await demo(db);
  const { app } = await testApp(t, db, { config });
  const now = '2026-11-25T15:00:00.000Z';
  const streamed = (await app.inject({ method: 'GET', url: `/api/plan?now=${now}` })).json();
  const res = await app.inject({ method: 'GET', url: `/api/plan/summary?now=${now}&limit=50` });
  t.equal(res.statusCode, 200);
  const summary = res.json();
  t.ok(streamed.summary.create > 100, 'the demo plans over a hundred creates');

  t.test('totals equal the streamed plan summary, field by field', async (t) => {
    for (const [k, v] of Object.entries(streamed.summary)) t.equal(summary.totals[k], v, k);
    t.equal(summary.totals.archive, streamed.summary.seriesDeleted);
    t.equal(summary.totals.warnings, streamed.warnings.length);
    t.equal(summary.totals.skippedByDst, streamed.skippedByDst.length);
    t.equal(summary.now, now);
  });

  t.test('grouped by branch and series: the counts add up to the totals, details stop at the limit', async (t) => {
    let creates = 0;
    let listed = 0;
    for (const b of summary.branches) {
      let inBranch = 0;
      for (const s of b.series) {
        inBranch += s.counts.create;
        listed += s.changes.length;
        for (const c of s.changes) t.equal(c.seriesId, s.seriesId);
      }
      t.equal(b.counts.create, inBranch, b.branchId);
      creates += inBranch;
    }
    t.equal(creates, streamed.summary.create);
    t.equal(listed, 50, 'details of the first limit changes only');
    t.equal(summary.truncated, true);
    t.same(summary.branches.map((b: { branchId: string }) => b.branchId), streamed.branches.map((b: { branchId: string }) => b.branchId));
    const all = (await app.inject({ method: 'GET', url: `/api/plan/summary?now=${now}` })).json();
    t.equal(all.filter.limit, 500, 'the default limit');
    t.equal(all.truncated, false, 'every change of the demo fits the default limit');
    t.equal(all.branches.flatMap((b: { series: Array<{ changes: unknown[] }> }) => b.series.flatMap((s) => s.changes)).length, streamed.changes.length);
  });

  t.test('filtered by branch and kind: details of that kind only, counts still complete', async (t) => {
    const res = await app.inject({ method: 'GET', url: `/api/plan/summary?now=${now}&branch=downtown&kind=create&limit=3` });
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.same(body.branches.map((b: { branchId: string }) => b.branchId), ['downtown']);
    const changes = body.branches[0].series.flatMap((s: { changes: unknown[] }) => s.changes);
    t.equal(changes.length, 3);
    t.ok(changes.every((c: { action: string; branchId: string }) => c.action === 'create' && c.branchId === 'downtown'));
    const whole = summary.branches.find((b: { branchId: string }) => b.branchId === 'downtown');
    t.same(body.branches[0].counts, whole.counts, 'the branch planned alone counts what the whole plan counts for it');
    t.equal(body.totals.create, whole.counts.create);
    const none = (await app.inject({ method: 'GET', url: `/api/plan/summary?now=${now}&kind=archive` })).json();
    t.equal(none.branches.flatMap((b: { series: Array<{ changes: unknown[] }> }) => b.series.flatMap((s) => s.changes)).length, none.totals.archive);
  });

  t.test('bad parameters 400, an unknown branch 404', async (t) => {
    const rows = [
      { url: '/api/plan/summary?kind=rename', status: 400, code: 'INVALID_REQUEST' },
      { url: '/api/plan/summary?limit=0', status: 400, code: 'INVALID_REQUEST' },
      { url: '/api/plan/summary?limit=5001', status: 400, code: 'INVALID_REQUEST' },
      { url: '/api/plan/summary?now=tomorrow', status: 400, code: 'INVALID_REQUEST' },
      { url: '/api/plan/summary?now=2026-11-25T10:00:00', status: 400, code: 'INVALID_REQUEST' },
      { url: '/api/plan/summary?brnach=downtown', status: 400, code: 'INVALID_REQUEST' },
      { url: '/api/plan/summary?branch=atlantis', status: 404, code: 'BRANCH_NOT_FOUND' },
    ];
    for (const row of rows) {
      const res = await app.inject({ method: 'GET', url: row.url });
      t.equal(res.statusCode, row.status, row.url);
      t.equal(res.json().code, row.code, row.url);
    }
  });
});

t.test('GET /api/plan/summary totals equal `classctl reconcile --plan --output json` on the demo data', async (t) => {
  if (!requirePostgres(t)) return;
  const url = await migratedPostgresDatabase(t);
  const db = await openDatabase({ url });
  t.teardown(() => db.close());
  const config = await demo(db);
  const now = '2026-11-25T15:00:00.000Z';
  const cli = await runClassctlInProcess({ ...process.env, DATABASE_URL: url }, 'reconcile', '--plan', '--output', 'json', '--now', now, '--config', 'config', '--log-level', 'silent');
  t.equal(cli.code, 0, cli.err);
  const planned = JSON.parse(cli.out);
  const { app } = await testApp(t, db, { config });
  const summary = (await app.inject({ method: 'GET', url: `/api/plan/summary?now=${now}` })).json();
  for (const [k, v] of Object.entries(planned.summary)) t.equal(summary.totals[k], v, k);
  t.equal(summary.totals.warnings, planned.warnings.length);
});
