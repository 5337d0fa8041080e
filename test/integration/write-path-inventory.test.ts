// Every command and endpoint that can write, against a production-stamped
// PostgreSQL database: without CLASSCTL_ALLOW_APPLY, and with a mismatched
// --env, each is refused (exit 3 / HTTP 409) and the database stays
// byte-identical — every row of every table (updated_at included) and every
// sequence. The CLI's registered commands and the server's non-GET routes are
// enumerated: one that is in neither the write-path table nor the read-only
// list fails this test, so a new write path cannot be added without its row.
// Every GET route is requested on the production database, which stays
// byte-identical, and a new GET route fails the test until it is requested.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Registry } from 'prom-client';
import { buildProgram } from '../../controller/cli/main.js';
import { startController } from '../../controller/cli/serve-controller.js';
import { feedPath, feedToken, type FeedTarget } from '../../controller/core/calendar/feed-target.js';
import { buildApp } from '../../controller/server/app.js';
import { CONSOLE_ASSETS_PREFIX } from '../../controller/server/routes/console.js';
import { databaseClock } from '../../controller/runtime/guards.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import type { Database } from '../../controller/store/database.js';
import { setSetting } from '../../controller/store/settings.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { requirePostgres } from '../helpers/db.js';
import { dumpTables } from '../helpers/table-dump.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';
import { CONFIG_DIR, DEMO_FILE, demoDatabase } from '../faults/harness.js';
import type { GlobalOptions } from '../../controller/cli/context.js';

/** Commands that never write, whatever their flags (`reconcile` without --apply is covered by its write row). */
/** `context use` writes the contexts file only, never a database. */
const READ_ONLY_COMMANDS = new Set(['context list', 'context show', 'context use', 'doctor', 'env show', 'explain', 'export ics', 'get sessions', 'history', 'notifications', 'runs', 'runs show', 'snapshot', 'validate']);
/** The read-only commands that open the database, as an admin runs them on production: they must leave it byte-identical. */
const READ_ONLY_DATABASE_RUNS = (c: { branch: string; seriesId: string }): Record<string, string[]> => ({
  doctor: ['doctor'],
  'env show': ['env', 'show'],
  explain: ['explain', c.seriesId],
  'export ics': ['export', 'ics', '--branch', c.branch],
  'get sessions': ['get', 'sessions', '--branch', c.branch],
  history: ['history'],
  notifications: ['notifications'],
  runs: ['runs'],
  'runs show': ['runs', 'show', '1'],
  snapshot: ['snapshot'],
});
/**
 * Commands whose write rows need a flag: without it they never write, so they
 * run on production without CLASSCTL_ALLOW_APPLY and leave it byte-identical.
 */
const READ_ONLY_WITHOUT_FLAG: Record<string, string[]> = {
  'simulate (on a scratch copy)': ['simulate', '--from', '2027-03-01T00:00:00Z', '--to', '2027-03-02T00:00:00Z', '--every', 'PT12H'],
};
/** Non-GET routes that never write. */
const READ_ONLY_ROUTES = new Set<string>();

interface Ctx {
  url: string;
  planFile: string;
  loadFile: string;
}

/** One row per write path: the arguments that make it write. */
const CLI_WRITE_PATHS: Record<string, (c: Ctx) => string[]> = {
  load: (c) => ['load', c.loadFile, '--apply'],
  demo: (c) => ['--database', c.url, 'demo', '--file', DEMO_FILE],
  reconcile: () => ['reconcile', '--apply'],
  apply: (c) => ['apply', c.planFile],
  simulate: () => ['simulate', '--apply', '--from', '2027-03-01T00:00:00Z', '--to', '2027-03-02T00:00:00Z', '--every', 'PT12H'],
  'env set': () => ['env', 'set', 'staging'],
  migrate: () => ['migrate'],
  unarchive: () => ['unarchive', ARCHIVED_SERIES],
  'notifications retry': () => ['notifications', 'retry', '--all-dead'],
};
/** An archived series unarchive would bring back. */
const ARCHIVED_SERIES = 'inventory-archived';
/** Write paths that are not one-shot CLI commands: the server's runs and its API. */
const SERVER_WRITE_PATHS = new Set(['serve', 'POST /api/reconcile', 'POST /api/approvals/:id/approve', 'POST /api/approvals/:id/reject']);

const VARIANTS: Array<{ name: string; env: NodeJS.ProcessEnv; args: string[] }> = [
  { name: 'production without CLASSCTL_ALLOW_APPLY', env: {}, args: [] },
  { name: '--env differing from the stamp (even with CLASSCTL_ALLOW_APPLY)', env: { CLASSCTL_ALLOW_APPLY: 'true' }, args: ['--env', 'staging'] },
];

async function cliCommandNames(): Promise<string[]> {
  const program = await buildProgram({ stdout: new PassThrough(), stderr: new PassThrough(), env: {} }, () => {});
  // A command with subcommands runs by itself too when it has options of its own (`runs` beside `runs show`).
  return program.commands.flatMap((c) => [
    ...(c.commands.length === 0 || c.options.length > 0 ? [c.name()] : []),
    ...c.commands.map((s) => `${c.name()} ${s.name()}`),
  ]);
}

async function serverRoutes(db: Database): Promise<Array<{ path: string; methods: string[] }>> {
  const app = await buildApp({ db, loadConfig: async () => baseConfig(), clock: () => 0, trigger: () => true, registry: new Registry() });
  const printed = app.printRoutes({ commonPrefix: false });
  await app.close();
  return parseRouteTree(printed);
}

async function nonGetRoutes(db: Database): Promise<string[]> {
  return (await serverRoutes(db)).flatMap(({ path, methods }) => methods.filter((m) => m !== 'GET' && m !== 'HEAD').map((m) => `${m} ${path}`));
}

async function getRoutes(db: Database): Promise<string[]> {
  return (await serverRoutes(db)).filter(({ methods }) => methods.includes('GET')).map(({ path }) => path);
}

const FEED_SECRET = 'inventory-feed-secret';

/**
 * A request to every GET route (the console, the API, the calendar feeds),
 * keyed by the route as fastify prints it: GET routes never write, and a new
 * one fails the inventory until it has a row here.
 */
async function getRequests(db: Database): Promise<Record<string, string>> {
  const [s] = await db.query<{ id: string; branch: string; room: string; instructor: string }>(
    `SELECT id, branch_id AS branch, room_id AS room, instructor_id AS instructor FROM class_series WHERE room_id IS NOT NULL AND instructor_id IS NOT NULL ORDER BY id LIMIT 1`,
  );
  const feed = (target: FeedTarget) => `${feedPath(target)}?token=${feedToken(FEED_SECRET, target)}`;
  return {
    '/': '/',
    '/healthz': '/healthz',
    '/readyz': '/readyz',
    '/metrics': '/metrics',
    '/api/plan': '/api/plan',
    '/api/plan/summary': '/api/plan/summary',
    '/api/problems': '/api/problems',
    '/api/series': '/api/series',
    '/api/series/:id/explain': `/api/series/${encodeURIComponent(s!.id)}/explain`,
    '/api/schedule': `/api/schedule?branch=${encodeURIComponent(s!.branch)}`,
    '/api/runs': '/api/runs',
    '/api/runs/:id': '/api/runs/1',
    '/api/branches': '/api/branches',
    '/api/approvals': '/api/approvals',
    '/api/approvals/:id': '/api/approvals/1',
    '/feeds/branches/:file|:branch': feed({ kind: 'branch', branchId: s!.branch }),
    '/feeds/branches/:file|:branch/rooms/:file': feed({ kind: 'room', branchId: s!.branch, roomId: s!.room }),
    '/feeds/instructors/:file': feed({ kind: 'instructor', instructorId: s!.instructor }),
    '/*': `${CONSOLE_ASSETS_PREFIX}app.js`,
  };
}

/**
 * fastify's printRoutes() tree as full paths: a line's segment continues its
 * parent's (`└── /` then `├── api/reconcile (POST)` is `/api/reconcile`), and
 * each level of the tree indents by four characters.
 */
function parseRouteTree(printed: string): Array<{ path: string; methods: string[] }> {
  const stack: string[] = [];
  const out: Array<{ path: string; methods: string[] }> = [];
  for (const line of printed.split('\n')) {
    const m = /^((?:│   |    )*)(?:├── |└── )(\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    if (m[3]) out.push({ path: stack.join(''), methods: m[3].split(',').map((x) => x.trim()) });
  }
  return out;
}

if (requirePostgres(t)) {
  t.test('write-path inventory', async (t) => {
    const { url, db } = await demoDatabase(t);
    // Sessions and a journal row, so updated_at and the run sequence are there to be disturbed.
    const now = await databaseClock(db);
    const first = await reconcile({ db, config: baseConfig(), logger: silentLogger(), now, clock: () => now, mode: 'apply' });
    t.equal(first.exitCode, 0);
    await db.query(
      `INSERT INTO class_series_archive (id, "row", deleted_at)
       SELECT $1, jsonb_build_object('id', $1::text, 'branchId', branch_id, 'title', title, 'rrule', rrule, 'startDate', start_date::text, 'startTime', to_char(start_time, 'HH24:MI'), 'exdates', '[]'::jsonb, 'version', '1'), now()
         FROM class_series ORDER BY id LIMIT 1`,
      [ARCHIVED_SERIES],
    );
    // A plan waiting for approval, for the approve and reject endpoints to refuse.
    await db.query(
      `INSERT INTO plan_approvals ("now", reason, config_digest, fingerprint, series_versions, branch_digests, totals)
       VALUES ($1::timestamptz, 'removals', 'digest', 'approval:inventory', '{}', '{}', '{}')`,
      [new Date(now).toISOString()],
    );
    await setSetting(db, 'environment', 'production');
    const dir = mkdtempSync(join(tmpdir(), 'classctl-inventory-'));
    const ctx: Ctx = { url, planFile: join(dir, 'plan.json'), loadFile: join(dir, 'load.json') };
    writeFileSync(ctx.loadFile, JSON.stringify({ branches: [{ id: 'downtown', name: 'Renamed', timezone: 'America/New_York' }], series: [] }));
    const planned = await runClassctlInProcess({}, '--log-level', 'silent', '--database', url, '--config', CONFIG_DIR, 'reconcile', '--out', ctx.planFile);
    t.equal(planned.code, 0, 'planning is allowed on production');
    const before = await dumpTables(db);
    t.ok(before.class_sessions!.length > 0 && before.reconcile_runs!.length > 0);

    t.test('every registered command and non-GET route is classified', async (t) => {
      const classified = new Set([...Object.keys(CLI_WRITE_PATHS), ...SERVER_WRITE_PATHS, ...READ_ONLY_COMMANDS, ...READ_ONLY_ROUTES]);
      for (const name of await cliCommandNames()) t.ok(classified.has(name), `command "${name}" is in the write-path table or the read-only list`);
      for (const route of await nonGetRoutes(db)) t.ok(classified.has(route), `route "${route}" is in the write-path table or the read-only list`);
    });

    t.test('every GET route answers on production and writes nothing', async (t) => {
      const requests = await getRequests(db);
      t.strictSame((await getRoutes(db)).sort(), Object.keys(requests).sort(), 'every GET route has a request here');
      const app = await buildApp({ db, loadConfig: async () => baseConfig(), clock: () => now, trigger: () => true, registry: new Registry(), feedSecret: FEED_SECRET });
      t.teardown(() => app.close());
      for (const [route, url] of Object.entries(requests)) {
        const res = await app.inject({ method: 'GET', url });
        t.equal(res.statusCode, 200, `GET ${route} answers (${url}): ${res.body.slice(0, 200)}`);
      }
      t.same(await dumpTables(db), before, 'the database is byte-identical');
    });

    t.test('the read-only commands that read the database run on production and write nothing', async (t) => {
      const [s] = await db.query<{ id: string; branch: string }>(`SELECT id, branch_id AS branch FROM class_series ORDER BY id LIMIT 1`);
      for (const [name, args] of Object.entries(READ_ONLY_DATABASE_RUNS({ branch: s!.branch, seriesId: s!.id }))) {
        t.ok(READ_ONLY_COMMANDS.has(name), `${name} is in the read-only list`);
        const r = await runClassctlInProcess({}, '--log-level', 'silent', '--database', url, '--config', CONFIG_DIR, ...args);
        t.equal(r.code, 0, `${name}: exit 0 ${r.err}`);
      }
      t.same(await dumpTables(db), before, 'the database is byte-identical');
    });

    for (const [name, args] of Object.entries(READ_ONLY_WITHOUT_FLAG)) {
      t.test(`${name}: allowed on production without CLASSCTL_ALLOW_APPLY, and writes nothing`, async (t) => {
        const r = await runClassctlInProcess({}, '--log-level', 'silent', '--database', url, '--config', CONFIG_DIR, ...args);
        t.equal(r.code, 0, r.err || r.out);
        t.ok(r.out.trim().split('\n').length > 1, 'it printed its ticks');
        t.same(await dumpTables(db), before, 'the database is byte-identical');
      });
    }

    for (const variant of VARIANTS) {
      for (const [name, args] of Object.entries(CLI_WRITE_PATHS)) {
        t.test(`${name}: ${variant.name} is refused (exit 3) and writes nothing`, async (t) => {
          const r = await runClassctlInProcess({ ...variant.env }, '--log-level', 'silent', '--database', url, '--config', CONFIG_DIR, ...variant.args, ...args(ctx));
          t.equal(r.code, 3, r.err || r.out);
          t.same(await dumpTables(db), before, 'the database is byte-identical');
        });
      }

      t.test(`serve, POST /api/reconcile and approving or rejecting a plan: ${variant.name} are refused (409) and write nothing`, async (t) => {
        const globals: GlobalOptions = { database: url, config: CONFIG_DIR, configSource: 'files', env: variant.args[1], logLevel: 'silent' };
        const controller = await startController({
          globals,
          env: { ...variant.env, CLASSCTL_API_TOKEN: 'inventory-token' },
          logger: silentLogger(),
          port: 0,
          host: '127.0.0.1',
          intervalMs: 3_600_000,
          allowMassRemoval: false,
        });
        try {
          await controller.loop.whenIdle(); // the run at start: refused by the guards
          const res = await fetch(`${controller.url}/api/reconcile`, { method: 'POST', headers: { authorization: 'Bearer inventory-token' } });
          t.equal(res.status, 409, 'the API refuses with the guard status');
          t.match(await res.json(), { code: /^GUARD_/ });
          for (const action of ['approve', 'reject']) {
            const decided = await fetch(`${controller.url}/api/approvals/1/${action}`, { method: 'POST', headers: { authorization: 'Bearer inventory-token' } });
            t.equal(decided.status, 409, `${action} is refused with the guard status`);
            t.match(await decided.json(), { code: /^GUARD_/ });
          }
          await controller.loop.whenIdle();
        } finally {
          await controller.shutdown(10_000);
        }
        t.same(await dumpTables(db), before, 'the database is byte-identical');
      });
    }
  });
}
