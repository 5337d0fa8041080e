// `classctl serve` as a real child process against real PostgreSQL: it reacts
// to an UPDATE of class_series through NOTIFY within 2 seconds, and SIGTERM in
// the middle of a branch transaction lets that transaction finish, then exits
// 0 with no lock and no connection left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import t, { type Test } from 'tap';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';

const BIN = fileURLToPath(new URL('../../bin/classctl.js', import.meta.url));
/** Start-up compiles TypeScript through tsx: seconds on a busy CI machine. */
const START_TIMEOUT_MS = 90_000;

const BASE_DOC = `apiVersion: scheduling.classctl.dev/v1
kind: SchedulingConfig
metadata: { name: base }
spec:
  scope: {}
  settings:
    generation: { enabled: true, horizonDays: 14 }
    dst: { nonexistentTime: shiftForward, ambiguousTime: earlier }
    closures: {}
    sessionDefaults: { durationMinutes: 60, capacity: 20 }
    removal: { unbooked: delete, booked: cancel }
    cleanup: { deleteSeriesAfterDays: 0 }
    safety: { maxRemovalsPerRun: 500 }
`;

// The child runs on the wall clock, so the series is daily and starts the day
// after tomorrow: every session is in the future whatever the time of day,
// and a time change moves all of them.
const START_DATE = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
const INPUTS = {
  branches: [{ id: 'hq', name: 'HQ', timezone: 'UTC' }],
  series: [{ id: 'hq-daily', branchId: 'hq', title: 'Daily', rrule: 'FREQ=DAILY', startDate: START_DATE, endDate: null, startTime: '09:00', durationMinutes: 30, capacity: 10, instructorId: null, roomId: null, exdates: [] }],
};

interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function preparedDatabase(t: Test): Promise<{ url: string; db: Database; configDir: string }> {
  const url = await migratedPostgresDatabase(t);
  const db = await openDatabase({ url });
  t.teardown(() => db.close());
  const loaded = await loadInputs(db, INPUTS);
  if (loaded.problems.length) throw new Error(JSON.stringify(loaded.problems));
  const configDir = mkdtempSync(join(tmpdir(), 'classctl-serve-'));
  t.teardown(() => rmSync(configDir, { recursive: true, force: true }));
  writeFileSync(join(configDir, 'base.yaml'), BASE_DOC);
  return { url, db, configDir };
}

async function startServe(t: Test, databaseUrl: string, configDir: string): Promise<Served> {
  const child = spawn(process.execPath, [BIN, '--database', databaseUrl, '--config', configDir, 'serve', '--port', '0', '--host', '127.0.0.1', '--interval', '1h'], {
    env: { ...process.env, CLASSCTL_LOG_FORMAT: 'json', CLASSCTL_ENV: '', CLASSCTL_API_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not listen within ${START_TIMEOUT_MS} ms:\n${err}`)), START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: string) => {
      err += chunk;
      for (const line of err.split('\n')) {
        if (!line.includes('classctl serve listening.')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before listening:\n${err}`));
    });
  });
  return { child, url, stderr: () => err, exited };
}

interface RunJson {
  id: string;
  status: string;
}

async function runs(url: string): Promise<RunJson[]> {
  const res = await fetch(`${url}/api/runs?limit=50`);
  if (res.status !== 200) throw new Error(`GET /api/runs: ${res.status}`);
  return ((await res.json()) as { runs: RunJson[] }).runs;
}

/** Polls until `probe` returns a value (not undefined) or `ms` passes. */
async function waitFor<T>(ms: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('an UPDATE of class_series is reconciled within 2 seconds through NOTIFY', async (t) => {
  if (!requirePostgres(t)) return;
  const { url: dbUrl, db, configDir } = await preparedDatabase(t);
  const served = await startServe(t, dbUrl, configDir);

  const first = await waitFor(60_000, async () => (await runs(served.url)).find((r) => r.status === 'succeeded'));
  t.ok(first, 'the start-up run succeeded');
  // The interval is an hour: only a trigger can start another run now.
  await new Promise((r) => setTimeout(r, 300));
  const before = await runs(served.url);
  t.equal(before.length, 1, 'one run so far');

  const updatedAt = Date.now();
  await db.query(`UPDATE class_series SET start_time = '18:30' WHERE id = 'hq-daily'`);
  const next = await waitFor(2_000, async () => (await runs(served.url)).find((r) => Number(r.id) > Number(first!.id)));
  const reactedMs = Date.now() - updatedAt;
  t.ok(next, `a new run appears in /api/runs within 2 s of the UPDATE (took ${reactedMs} ms)`);
  t.ok(reactedMs <= 2_000 + 200, 'in time');

  const done = await waitFor(30_000, async () => (await runs(served.url)).find((r) => r.id === next?.id && r.status !== 'running'));
  t.equal(done?.status, 'succeeded');
  const times = await db.query<{ t: string }>(`SELECT DISTINCT to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI') AS t FROM class_sessions`);
  t.same(times.map((r) => r.t), ['18:30'], 'every session moved to the new time');

  // The web console comes with the process (from dist/ when it is built: the files the build copies).
  const page = await fetch(`${served.url}/`);
  t.equal(page.status, 200, 'GET / answers the web console');
  t.match(await page.text(), /<script type="module" src="\/console\/assets\/app.js">/);
  const script = await fetch(`${served.url}/console/assets/app.js`);
  t.equal(script.status, 200, 'its script is served');
  t.match(script.headers.get('content-type'), /^text\/javascript/);

  served.child.kill('SIGTERM');
  t.same(await served.exited, { code: 0, signal: null }, 'SIGTERM when idle: exit 0');
});

t.test('SIGTERM in the middle of a branch transaction: it finishes, then exit 0 with no lock left', async (t) => {
  if (!requirePostgres(t)) return;
  const { url: dbUrl, db, configDir } = await preparedDatabase(t);
  const dbName = new URL(dbUrl).pathname.slice(1);
  // From here on the test looks through a connection of its own name, so
  // every 'classctl' connection in pg_stat_activity is the server's.
  await db.close();
  const observer = postgres(dbUrl, { max: 1, onnotice: () => {}, connection: { application_name: 'classctl-test-observer' } });
  t.teardown(() => observer.end({ timeout: 1 }));

  // Hold writes to class_sessions (reads still pass): the start-up run plans,
  // opens its branch transaction, takes the branch's advisory lock, and waits
  // on its INSERT — a run caught mid-branch, on demand.
  const blocker = postgres(dbUrl, { max: 1, onnotice: () => {} });
  t.teardown(() => blocker.end({ timeout: 1 }));
  const held = await blocker.reserve();
  await held.unsafe('BEGIN');
  await held.unsafe('LOCK TABLE class_sessions IN EXCLUSIVE MODE');

  const served = await startServe(t, dbUrl, configDir);
  const count = async (query: string) => ((await observer.unsafe(query, [dbName])) as unknown as Array<{ n: number }>)[0]!.n;
  const advisoryLocks = () =>
    count(`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = $1`);
  const waiting = await waitFor(60_000, async () => ((await advisoryLocks()) > 0 ? true : undefined));
  t.ok(waiting, 'the run holds its branch lock and waits inside the branch transaction');

  served.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  t.equal(served.child.exitCode, null, 'after SIGTERM the process waits for the run in progress');
  const ready = await fetch(`${served.url}/readyz`);
  t.equal(ready.status, 503, 'and reports itself not ready, so traffic drains');
  t.same(((await ready.json()) as { reasons: string[] }).reasons, ['run']);

  await held.unsafe('COMMIT');
  held.release();
  let deadline: NodeJS.Timeout | undefined;
  const exit = await Promise.race([served.exited, new Promise((r) => (deadline = setTimeout(() => r('no exit within 60 s'), 60_000)))]);
  clearTimeout(deadline);
  if (!t.same(exit, { code: 0, signal: null }, 'exit 0 once the branch transaction is done')) t.comment(served.stderr().slice(-4000));

  t.equal(await advisoryLocks(), 0, 'no advisory lock left in pg_locks');
  t.equal(await count(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'classctl'`), 0, 'no connection of the server left');
  const journal = (await observer.unsafe(`SELECT status FROM reconcile_runs ORDER BY id`)) as unknown as Array<{ status: string }>;
  t.same(journal.map((r) => r.status), ['succeeded'], 'the run caught by SIGTERM still finished and was journaled');
  t.ok((await count(`SELECT count(*)::int AS n FROM class_sessions WHERE $1::text IS NOT NULL`)) > 0, 'its branch transaction committed');
});
