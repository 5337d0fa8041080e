// Two runs that provably overlap (separate processes, as replicas or
// overlapping cron jobs would be): run 1 is paused inside the branch
// transaction of london-soho, holding its lock, while run 2 runs whole.
// Run 2 reports that branch as locked (skipped, counted, journaled) and
// writes the rest; run 1 then commits it and reports the rows run 2 wrote
// first as conflicts. Together they report exactly the rows in the
// database, and the end state equals one clean run.
import t from 'tap';
import { requirePostgres } from '../helpers/db.js';
import { listRuns } from '../../controller/store/runs.js';
import { advisoryLocks, comparableSnapshot, demoDatabase, reconcileArgs, runClassctl } from './harness.js';

interface Written {
  create: number;
  conflicts: number;
  lockedBranches: string[];
}

if (requirePostgres(t)) {
  t.test('a run that meets a branch locked by another run skips it, says so, and the two end where one run ends', async (t) => {
    const reference = await demoDatabase(t);
    t.equal((await runClassctl(reconcileArgs(reference.url)).exit).code, 0);
    const expected = await comparableSnapshot(reference.db);

    const { url, db } = await demoDatabase(t);
    const first = runClassctl(reconcileArgs(url), { CLASSCTL_FAULT_PAUSE: 'before-branch-commit:london-soho' });
    t.equal(await first.paused, 'before-branch-commit london-soho', 'run 1 holds the lock of london-soho, inside its transaction');

    const second = runClassctl(reconcileArgs(url));
    t.equal((await second.exit).code, 0, 'run 2 exits 0: a locked branch is skipped, not an error') || t.comment(second.stderr());
    const out2 = JSON.parse(second.stdout()) as { written: Written; runId: string };
    t.same(out2.written.lockedBranches, ['london-soho'], 'run 2 names the branch it skipped');
    t.match(second.stderr(), /Branch skipped: another run or replica holds its lock/, 'and logs it');
    const journal2 = (await listRuns(db, 5)).find((r) => r.id === out2.runId);
    t.match(journal2?.summary, { lockedBranches: ['london-soho'] }, 'the journal of run 2 lists the locked branch');

    first.child.kill('SIGUSR2');
    t.equal((await first.exit).code, 0, 'run 1 resumes and finishes') || t.comment(first.stderr());
    const out1 = JSON.parse(first.stdout()) as { written: Written };
    t.same(out1.written.lockedBranches, [], 'run 1 met no lock');

    const rows = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions`))[0]!.n;
    t.equal(out1.written.create + out2.written.create, rows, 'the two runs report exactly the rows written, no more');
    t.equal(out1.written.conflicts, out2.written.create, 'run 1 reports the rows run 2 wrote first as conflicts, not as created');
    t.same(await comparableSnapshot(db), expected, 'same sessions as one run');
    t.same(await db.query(`SELECT series_id, occurrence_key FROM class_sessions GROUP BY 1, 2 HAVING count(*) > 1`), [], 'no duplicates');
    t.equal(await advisoryLocks(db), 0, 'no lock left');
  });
}
