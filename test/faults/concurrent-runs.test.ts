// Five runs at once against one database (separate processes, as replicas or
// overlapping cron jobs would be): branches are shared through advisory locks;
// nothing is duplicated or lost, and the end state equals one run.
import t from 'tap';
import { requirePostgres } from '../helpers/db.js';
import { advisoryLocks, comparableSnapshot, demoDatabase, reconcileArgs, runClassctl } from './harness.js';

if (requirePostgres(t)) {
  t.test('five concurrent runs end where one run ends', async (t) => {
    const reference = await demoDatabase(t);
    const one = runClassctl(reconcileArgs(reference.url));
    t.equal((await one.exit).code, 0);
    const expected = await comparableSnapshot(reference.db);

    const { url, db } = await demoDatabase(t);
    const runs = Array.from({ length: 5 }, () => runClassctl(reconcileArgs(url)));
    const exits = await Promise.all(runs.map((r) => r.exit));
    t.same(exits.map((e) => e.code), [0, 0, 0, 0, 0], 'every run exits 0 (a locked branch is skipped, not an error)');
    t.same(await comparableSnapshot(db), expected, 'same sessions as one run');
    const dup = await db.query(`SELECT series_id, occurrence_key FROM class_sessions GROUP BY 1, 2 HAVING count(*) > 1`);
    t.same(dup, [], 'no duplicates');
    t.equal(await advisoryLocks(db), 0, 'no lock left');
    const created = runs.map((r) => JSON.parse(r.stdout()) as { summary: { create: number } });
    t.ok(created.length === 5, 'each run reported its plan');
  });
}
