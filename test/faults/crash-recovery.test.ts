// A run SIGKILLed at any point leaves whole branches done or untouched;
// the next run marks it interrupted, resumes, and ends where one clean run ends.
import t from 'tap';
import { requirePostgres } from '../helpers/db.js';
import { advisoryLocks, comparableSnapshot, demoDatabase, reconcileArgs, runClassctl } from './harness.js';
import { listRuns } from '../../controller/store/runs.js';

if (requirePostgres(t)) {
  t.test('reference: one clean run', async (t) => {
    const { url, db } = await demoDatabase(t);
    const run = runClassctl(reconcileArgs(url));
    t.equal((await run.exit).code, 0, 'a clean run exits 0') || t.comment(run.stderr());
    const reference = await comparableSnapshot(db);
    t.ok(reference.sessions.length > 50, 'the demo creates sessions');

    const points = [
      { name: 'killed after the snapshot, before any branch is written', pause: 'after-snapshot', committedBefore: 0 },
      { name: 'killed inside the second branch transaction, after the first committed', pause: 'before-branch-commit:london-soho', committedBefore: 1 },
      { name: 'killed after every branch committed, before the journal was finished', pause: 'before-finish', committedBefore: 3 },
    ];
    for (const p of points) {
      t.test(p.name, async (t) => {
        const { url, db } = await demoDatabase(t);
        const killed = runClassctl(reconcileArgs(url), { CLASSCTL_FAULT_PAUSE: p.pause });
        await killed.paused;
        const branchesWithSessions = await db.query(`SELECT DISTINCT branch_id FROM class_sessions`);
        t.equal(branchesWithSessions.length, p.committedBefore, 'whole branches committed before the kill, no more');
        killed.child.kill('SIGKILL');
        t.equal((await killed.exit).signal, 'SIGKILL');
        // A killed process's connections go away: its transaction rolls back and its locks are released.
        for (let i = 0; i < 50 && (await advisoryLocks(db)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
        t.equal(await advisoryLocks(db), 0, 'no advisory lock left in pg_locks');

        const next = runClassctl(reconcileArgs(url));
        const exit = await next.exit;
        t.equal(exit.code, 0, 'the next run exits 0') || t.comment(next.stderr());
        t.same(await comparableSnapshot(db), reference, 'final state equals one clean run');
        const dup = await db.query(`SELECT series_id, occurrence_key FROM class_sessions GROUP BY 1, 2 HAVING count(*) > 1`);
        t.same(dup, [], 'no duplicate (series_id, occurrence_key)');
        const unmatched = await db.query(
          `SELECT s.id FROM class_sessions AS s FULL JOIN session_event_list AS e ON e.session_id = s.id AND e.kind = 'create'
            WHERE s.id IS NULL OR e.id IS NULL OR (SELECT count(*) FROM session_event_list AS x WHERE x.session_id = s.id) <> 1`,
        );
        t.same(unmatched, [], 'every session has exactly one create event and every create event its session (the killed transaction left neither)');
        const runs = await listRuns(db, 10);
        const [latest, dead] = runs;
        t.equal(dead?.status, 'interrupted', 'the killed run is reported interrupted');
        t.equal(latest?.status, 'succeeded');
        t.equal(latest?.resumedAfter, dead?.id, 'the next run records which run it resumed');
        const out = JSON.parse(next.stdout());
        t.equal(out.summary.create, reference.sessions.length - (await countCommittedBy(p.committedBefore, reference)), 'the next run only does what was left');
      });
    }
  });
}

/** Sessions of the first `n` branches (in id order): what the killed run had committed. */
async function countCommittedBy(n: number, reference: Awaited<ReturnType<typeof comparableSnapshot>>): Promise<number> {
  const branchIds = [...new Set(reference.sessions.map((s) => s.branchId))].sort().slice(0, n);
  return reference.sessions.filter((s) => branchIds.includes(s.branchId)).length;
}
