// `classctl serve` through a connection storm (every controller backend
// terminated every 0.1 s): the process stays alive round after round, every
// round ends in a finished journal row, and once the storm stops the next
// run converges. (The suite runs a few rounds; scripts/connection-storm.sh
// runs the full 20.)
import { spawn } from 'node:child_process';
import postgres from 'postgres';
import t from 'tap';
import { CLASSCTL, CONFIG_DIR, ROOT, demoDatabase } from './harness.js';
import { requirePostgres } from '../helpers/db.js';
import { CRASH_SIGNS, startStorm } from './storm.js';

const ROUNDS = Number(process.env.CLASSCTL_STORM_ROUNDS ?? 5);

if (requirePostgres(t)) {
  t.test(`serve through ${ROUNDS} rounds of a connection storm: alive, every round journaled, converged afterwards`, async (t) => {
    const { url } = await demoDatabase(t);
    const observer = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'classctl-test-observer' } });
    t.teardown(() => observer.end({ timeout: 1 }));
    const finishedRuns = async () => Number((await observer.unsafe(`SELECT count(*)::int AS n FROM reconcile_runs WHERE status <> 'running'`))[0]!.n);

    const child = spawn(process.execPath, [CLASSCTL, '--database', url, '--config', CONFIG_DIR, 'serve', '--port', '0', '--host', '127.0.0.1', '--interval', '1s'], {
      cwd: ROOT,
      env: { ...process.env, CLASSCTL_LOG_LEVEL: 'warn', CLASSCTL_ENV: '', CLASSCTL_API_TOKEN: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    t.teardown(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const died = () => child.exitCode !== null || child.signalCode !== null;
    /** Resolves when `n` runs are finished in the journal, or the process died. */
    const roundsDone = async (n: number) => {
      while (!died() && (await finishedRuns()) < n) await new Promise((r) => setTimeout(r, 200));
    };

    await roundsDone(1);
    const storm = startStorm(url);
    let killed = 0;
    try {
      await roundsDone(1 + ROUNDS);
    } finally {
      killed = await storm.stop();
    }
    t.comment(`storm terminated ${killed} backends`);
    t.notOk(died(), 'serve is alive after the storm') || t.comment(stderr.slice(-3000));
    const afterStorm = await finishedRuns();
    await roundsDone(afterStorm + 1);
    const lastRun = (await observer.unsafe(`SELECT status FROM reconcile_runs WHERE status <> 'running' ORDER BY id DESC LIMIT 1`))[0];
    t.equal(lastRun?.status, 'succeeded', 'the first run after the storm succeeds');

    child.kill('SIGTERM');
    t.same(await exited, { code: 0, signal: null }, 'SIGTERM: exit 0');
    t.notMatch(stderr, CRASH_SIGNS, 'no crash and no stack in its logs');
    t.same(await observer.unsafe(`SELECT id FROM reconcile_runs WHERE status = 'running'`), [], "no journal row left 'running'");
    const plan = spawn(process.execPath, [CLASSCTL, '--database', url, '--config', CONFIG_DIR, '--log-level', 'warn', 'reconcile', '--output', 'json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    plan.stdout!.on('data', (d) => (out += d));
    await new Promise((r) => plan.once('exit', r));
    t.equal((JSON.parse(out) as { changes: unknown[] }).changes.length, 0, 'converged: the next plan has no changes');
  });
}
