// Every endpoint through app.inject on the embedded database: success, bad
// input, authorization, and the stable error codes clients branch on.
import t from 'tap';
import type { Database } from '../../controller/store/database.js';
import { BASE_SETTINGS, configOf, doc } from '../helpers/fixtures.js';
import { DEMO_SESSIONS_AT_NOW, NOW, embeddedDatabase, testApp } from './helpers.js';

// One embedded database for the file (opening one takes seconds); no test
// here changes what another reads, except journal rows, which are counted.
const db = await embeddedDatabase(t);

async function count(db: Database, table: string): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

t.test('GET /healthz answers 200 while the process is up', async (t) => {
  const { app } = await testApp(t, db);
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: 'ok' });
});

t.test('GET /readyz', async (t) => {
  const noBase = configOf(doc('downtown', { branch: 'ny' }, { generation: { horizonDays: 7 } }));
  const refused = async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
  const failingDb = { ...db, query: refused, mapRows: refused } as Database;
  const running = (startedAgoMs: number, stopping = false) => () => ({ stopping, running: true, runStartedAtMs: NOW - startedAgoMs, pending: [], nextRunAtMs: null, completedRuns: 3 });
  const rows = [
    { name: 'ready: database answers, config valid, no run', deps: {}, status: 200, reasons: [] },
    { name: 'a run in progress within its deadline is ready', deps: { loopStatus: running(60_000), runDeadlineMs: 600_000 }, status: 200, reasons: [] },
    { name: 'no base document blocks everything: not ready', deps: { config: noBase }, status: 503, reasons: ['config'] },
    { name: 'the database refusing connections: not ready', deps: { db: failingDb }, status: 503, reasons: ['database'] },
    { name: 'a run past its deadline is stuck: not ready', deps: { loopStatus: running(600_001), runDeadlineMs: 600_000 }, status: 503, reasons: ['run'] },
    { name: 'shutting down: not ready, so traffic drains', deps: { loopStatus: running(0, true) }, status: 503, reasons: ['run'] },
  ];
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const { app } = await testApp(t, db, row.deps);
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      t.equal(res.statusCode, row.status);
      const body = res.json();
      if (row.status === 200) {
        t.equal(body.status, 'ready');
      } else {
        t.equal(body.code, 'NOT_READY');
        t.same(body.reasons, row.reasons);
        t.match(body.message, /^Not ready: /);
      }
    });
  }
});

t.test('GET /metrics serves the Prometheus text format', async (t) => {
  const { app } = await testApp(t, db);
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  t.match(res.body, /classctl_build_info\{version="9\.9\.9-test",node="v20\.0\.0"\} 1/);
});

t.test('GET /api/plan returns the plan at now and writes nothing', async (t) => {
  const { app } = await testApp(t, db);
  const runsBefore = await count(db, 'reconcile_runs');
  const res = await app.inject({ method: 'GET', url: '/api/plan' });
  t.equal(res.statusCode, 200);
  const plan = res.json();
  t.equal(plan.now, new Date(NOW).toISOString(), 'the injected clock is the plan instant');
  t.equal(plan.mode, 'plan');
  t.equal(plan.summary.create, DEMO_SESSIONS_AT_NOW);
  t.equal(plan.changes.length, DEMO_SESSIONS_AT_NOW);
  t.equal(await count(db, 'class_sessions'), 0, 'no session written');
  t.equal(await count(db, 'reconcile_runs'), runsBefore, 'no run journaled');
});

t.test('GET /api/plan?now=', async (t) => {
  const { app } = await testApp(t, db);
  const rows = [
    { name: 'an instant with Z is used as now', now: '2026-11-27T15:00:00Z', status: 200 },
    { name: 'an instant with an offset is used as now', now: '2026-11-27T10:00:00-05:00', status: 200 },
    { name: 'a local time without zone is ambiguous: 400', now: '2026-12-08T10:00:00', status: 400 },
    { name: 'a date alone is rejected: 400', now: '2026-12-08', status: 400 },
    { name: 'a word is rejected: 400', now: 'tomorrow', status: 400 },
    { name: 'a pattern-shaped but impossible date is rejected: 400', now: '2026-13-45T10:00:00Z', status: 400 },
  ];
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const res = await app.inject({ method: 'GET', url: '/api/plan', query: { now: row.now } });
      t.equal(res.statusCode, row.status);
      if (row.status === 200) {
        // Friday 10:00 in New York: that morning's class has started, the first one to create is Monday's.
        t.equal(res.json().now, '2026-11-27T15:00:00.000Z');
        t.equal(res.json().changes[0].occurrenceKey, '2026-11-30');
      } else {
        t.equal(res.json().code, 'INVALID_REQUEST');
      }
    });
  }
});

t.test('GET /api/series/:id/explain', async (t) => {
  const config = configOf(
    doc('base', {}, BASE_SETTINGS),
    doc('yoga', { series: 'ny-yoga' }, { sessionDefaults: { capacity: 8 } }),
  );
  const { app } = await testApp(t, db, { config });

  t.test('a series: resolved settings with the document that set each field', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/api/series/ny-yoga/explain' });
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.equal(body.branch, 'ny', 'the branch is looked up in class_series');
    t.equal(body.series, 'ny-yoga');
    t.equal(body.valid, true);
    const field = (p: string) => body.fields.find((f: { pointer: string }) => f.pointer === p);
    t.match(field('/sessionDefaults/capacity'), { value: 8, document: 'yoga' });
    t.match(field('/generation/horizonDays'), { value: 14, document: 'base' });
  });

  t.test('an unknown series: 404 SERIES_NOT_FOUND', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/api/series/no-such-series/explain' });
    t.equal(res.statusCode, 404);
    t.equal(res.json().code, 'SERIES_NOT_FOUND');
  });

  t.test('an id longer than 200 characters: 400 INVALID_REQUEST', async (t) => {
    const res = await app.inject({ method: 'GET', url: `/api/series/${'x'.repeat(201)}/explain` });
    t.equal(res.statusCode, 400);
    t.equal(res.json().code, 'INVALID_REQUEST');
  });

  t.test('an id past the router limit: 414 with a JSON code', async (t) => {
    const res = await app.inject({ method: 'GET', url: `/api/series/${'x'.repeat(600)}/explain` });
    t.equal(res.statusCode, 414);
    t.equal(res.json().code, 'INVALID_REQUEST');
  });

  t.test('an invalid series document: 200 with valid false and its problems', async (t) => {
    const bad = configOf(doc('base', {}, BASE_SETTINGS), doc('yoga', { series: 'ny-yoga' }, { sessionDefaults: { capacity: 'many' } }));
    const { app } = await testApp(t, db, { config: bad });
    const res = await app.inject({ method: 'GET', url: '/api/series/ny-yoga/explain' });
    t.equal(res.statusCode, 200);
    t.equal(res.json().valid, false);
    t.ok(res.json().problems.length > 0);
  });
});

t.test('GET /api/runs', async (t) => {
  for (let i = 0; i < 3; i++) {
    await db.query(
      `INSERT INTO reconcile_runs (started_at, finished_at, status, mode, "now", config_digest, summary)
       VALUES ($1::timestamptz, $1::timestamptz, 'succeeded', 'apply', $1::timestamptz, 'd', '{"create":1}'::jsonb)`,
      [new Date(NOW + i * 60_000).toISOString()],
    );
  }
  const { app } = await testApp(t, db);
  const rows = [
    { name: 'no limit: the default 20, newest first', url: '/api/runs', status: 200, ids: ['3', '2', '1'] },
    { name: 'limit=1: only the newest', url: '/api/runs?limit=1', status: 200, ids: ['3'] },
    { name: 'limit=500 is the maximum and allowed', url: '/api/runs?limit=500', status: 200, ids: ['3', '2', '1'] },
    { name: 'limit=0 is below the minimum: 400', url: '/api/runs?limit=0', status: 400 },
    { name: 'limit=501 is above the maximum: 400', url: '/api/runs?limit=501', status: 400 },
    { name: 'limit=ten is not an integer: 400', url: '/api/runs?limit=ten', status: 400 },
    { name: 'limit=2.5 is not an integer: 400', url: '/api/runs?limit=2.5', status: 400 },
    { name: 'a misspelt parameter is rejected, not ignored: 400', url: '/api/runs?limt=5', status: 400 },
  ];
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const res = await app.inject({ method: 'GET', url: row.url });
      t.equal(res.statusCode, row.status);
      if (row.status !== 200) {
        t.equal(res.json().code, 'INVALID_REQUEST');
        t.match(res.json().message, /querystring/);
        return;
      }
      const runs = res.json().runs;
      t.same(runs.map((r: { id: string }) => r.id), row.ids);
      t.match(runs[0], { status: 'succeeded', mode: 'apply', startedAt: new Date(NOW + 2 * 60_000).toISOString(), summary: { create: 1 } });
    });
  }
});

t.test('POST /api/reconcile', async (t) => {
  const token = 'a-long-random-token';
  const rows = [
    { name: 'no token configured: 403 RECONCILE_API_DISABLED even with a header', apiToken: undefined, auth: `Bearer ${token}`, status: 403, code: 'RECONCILE_API_DISABLED' },
    { name: 'no Authorization header: 401', apiToken: token, auth: undefined, status: 401, code: 'UNAUTHORIZED' },
    { name: 'a wrong token: 401', apiToken: token, auth: 'Bearer not-the-token', status: 401, code: 'UNAUTHORIZED' },
    { name: 'a prefix of the token: 401', apiToken: token, auth: `Bearer ${token.slice(0, 5)}`, status: 401, code: 'UNAUTHORIZED' },
    { name: 'the token with another scheme: 401', apiToken: token, auth: `Basic ${token}`, status: 401, code: 'UNAUTHORIZED' },
    { name: 'the right bearer token: 202 queued', apiToken: token, auth: `Bearer ${token}`, status: 202 },
    { name: 'the scheme is case-insensitive: 202', apiToken: token, auth: `bearer ${token}`, status: 202 },
  ];
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const { app, triggers } = await testApp(t, db, { apiToken: row.apiToken });
      const res = await app.inject({ method: 'POST', url: '/api/reconcile', headers: row.auth ? { authorization: row.auth } : {} });
      t.equal(res.statusCode, row.status);
      if (row.status === 202) {
        t.same(res.json(), { queued: true });
        t.same(triggers, ['api'], 'the loop was triggered once');
      } else {
        t.equal(res.json().code, row.code);
        t.same(triggers, [], 'the loop was not triggered');
        if (row.status === 401) t.match(res.headers['www-authenticate'], /^Bearer/);
      }
    });
  }

  t.test('an empty body sent as JSON is accepted', async (t) => {
    const { app, triggers } = await testApp(t, db, { apiToken: token });
    const res = await app.inject({ method: 'POST', url: '/api/reconcile', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '' });
    t.equal(res.statusCode, 202);
    t.same(triggers, ['api']);
  });

  t.test('a malformed JSON body: 400 INVALID_REQUEST', async (t) => {
    const { app, triggers } = await testApp(t, db, { apiToken: token });
    const res = await app.inject({ method: 'POST', url: '/api/reconcile', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{"reason": ' });
    t.equal(res.statusCode, 400);
    t.equal(res.json().code, 'INVALID_REQUEST');
    t.same(triggers, []);
  });

  t.test('while shutting down: 503 SHUTTING_DOWN', async (t) => {
    const { app } = await testApp(t, db, { apiToken: token, accepting: false });
    const res = await app.inject({ method: 'POST', url: '/api/reconcile', headers: { authorization: `Bearer ${token}` } });
    t.equal(res.statusCode, 503);
    t.equal(res.json().code, 'SHUTTING_DOWN');
  });
});

t.test('errors are JSON with stable codes', async (t) => {

  t.test('an unknown route: 404 ROUTE_NOT_FOUND', async (t) => {
    const { app } = await testApp(t, db);
    const res = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    t.equal(res.statusCode, 404);
    t.equal(res.json().code, 'ROUTE_NOT_FOUND');
  });

  t.test('a wrong method on a known path: 404 ROUTE_NOT_FOUND', async (t) => {
    const { app } = await testApp(t, db);
    const res = await app.inject({ method: 'GET', url: '/api/reconcile' });
    t.equal(res.statusCode, 404);
    t.equal(res.json().code, 'ROUTE_NOT_FOUND');
  });

  t.test('an unexpected failure: 500 INTERNAL_ERROR without its details', async (t) => {
    const { app } = await testApp(t, db, { loadConfig: async () => Promise.reject(new Error('secret detail of a bug')) });
    const res = await app.inject({ method: 'GET', url: '/api/plan' });
    t.equal(res.statusCode, 500);
    t.equal(res.json().code, 'INTERNAL_ERROR');
    t.notMatch(res.body, /secret detail/);
  });

  t.test('a transient database error: 503 DB_TRANSIENT', async (t) => {
    const terminated = async () => Promise.reject(Object.assign(new Error('terminating connection'), { code: '57P01' }));
    const lost = { ...db, query: terminated, mapRows: terminated } as Database;
    const { app } = await testApp(t, lost);
    const res = await app.inject({ method: 'GET', url: '/api/runs' });
    t.equal(res.statusCode, 503);
    t.equal(res.json().code, 'DB_TRANSIENT');
  });
});
