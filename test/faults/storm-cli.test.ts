// Terminating the controller's backends every 0.1 s while `classctl
// reconcile --apply` processes run: none dies of it. Each exits 0 or 1 with
// a sentence, never a crash or a stack; no journal row stays 'running'; and
// after one storm-free run the database equals one clean run. (The suite
// runs a few processes; scripts/connection-storm.sh runs the full 20.)
import t from 'tap';
import { requirePostgres } from '../helpers/db.js';
import { comparableSnapshot, demoDatabase, reconcileArgs, runClassctl } from './harness.js';
import { CRASH_SIGNS, startStorm } from './storm.js';

const RUNS = Number(process.env.CLASSCTL_STORM_RUNS ?? 3);

if (requirePostgres(t)) {
  t.test(`${RUNS} applies under a connection storm: no process dies, no row stays running, the next run converges`, async (t) => {
    const reference = await demoDatabase(t);
    t.equal((await runClassctl(reconcileArgs(reference.url)).exit).code, 0);
    const expected = await comparableSnapshot(reference.db);

    const { url, db } = await demoDatabase(t);
    const storm = startStorm(url);
    const outcomes: Array<number | null> = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        const run = runClassctl(reconcileArgs(url));
        const exit = await run.exit;
        outcomes.push(exit.code);
        t.ok(exit.code === 0 || exit.code === 1, `run ${i + 1} exits 0 or 1 (got ${exit.code ?? exit.signal})`);
        t.notMatch(run.stderr(), CRASH_SIGNS, `run ${i + 1}: no crash and no stack on stderr`) || t.comment(run.stderr().slice(-3000));
      }
    } finally {
      t.comment(`storm terminated ${await storm.stop()} backends; exit codes ${outcomes.join(' ')}`);
    }
    const clean = runClassctl(reconcileArgs(url));
    t.equal((await clean.exit).code, 0, 'a storm-free run succeeds') || t.comment(clean.stderr());
    t.same(await db.query(`SELECT id FROM reconcile_runs WHERE status = 'running'`), [], "no journal row left 'running'");
    t.same(await comparableSnapshot(db), expected, 'the database equals one clean run');
  });
}
