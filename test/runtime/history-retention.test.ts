// Retention: an applied run deletes recorded changes older than its branch's
// history.retainDays (the base's, or 400 days, for other branches), at most
// a bounded number per run, and records the count in its summary.
import t from 'tap';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { pruneHistory } from '../../controller/runtime/history-retention.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { eachBackend } from '../helpers/backends.js';
import { BASE_SETTINGS, baseConfig, configOf, doc, silentLogger } from '../helpers/fixtures.js';

const inputs = {
  branches: [
    { id: 'ny', name: 'New York', timezone: 'America/New_York' },
    { id: 'ldn', name: 'London', timezone: 'Europe/London' },
  ],
  series: [],
};

/** Events aged (in days, by the database clock): in ny, ldn and a branch that no longer exists. */
const AGES: Array<[branch: string, days: number]> = [
  ['ny', 10], ['ny', 399], ['ny', 401], ['ny', 800],
  ['ldn', 10], ['ldn', 29], ['ldn', 31], ['ldn', 500],
  ['gone', 100], ['gone', 402],
];

async function seedAged(db: Database): Promise<void> {
  await loadInputs(db, inputs);
  await db.query(
    `INSERT INTO session_events (at, branch_id, series_id, occurrence_key, kind, reason)
     SELECT now() - a.days * interval '1 day', a.branch, 's', a.days::text, 'create', 'occurrence' FROM unnest($1::text[], $2::int[]) AS a(branch, days)`,
    [AGES.map((a) => a[0]), AGES.map((a) => a[1])],
  );
}

const left = async (db: Database) =>
  (await db.query<{ k: string }>(`SELECT branch_id || ':' || occurrence_key AS k FROM session_events ORDER BY branch_id, occurrence_key::int`)).map((r) => r.k);

eachBackend(t, 'an applied run prunes only expired events and records how many', async (t, db) => {
  await seedAged(db);
  // London keeps 30 days; the base keeps the built-in 400.
  const config = configOf(doc('base', {}, BASE_SETTINGS), doc('london', { branch: 'ldn' }, { history: { retainDays: 30 } }));
  const now = Date.now();
  const r = await reconcile({ db, config, logger: silentLogger(), now, mode: 'apply', clock: () => now });
  t.equal(r.exitCode, 0);
  t.equal(r.historyPruned, 5);
  t.strictSame(await left(db), ['gone:100', 'ldn:10', 'ldn:29', 'ny:10', 'ny:399'], 'each branch keeps what is younger than its retainDays');
  const [run] = await db.query<{ pruned: number }>(`SELECT (summary->>'historyPruned')::int AS pruned FROM reconcile_runs WHERE id = $1::bigint`, [r.runId]);
  t.equal(run!.pruned, 5, 'summary.historyPruned in the journal');

  const planned = await reconcile({ db, config, logger: silentLogger(), now, mode: 'plan', clock: () => now });
  t.equal(planned.historyPruned, undefined, 'a plan prunes nothing');
});

eachBackend(t, 'a run deletes at most its bound, the oldest first', async (t, db) => {
  await seedAged(db);
  t.equal(await pruneHistory(db, baseConfig({ history: { retainDays: 1 } }), ['ny', 'ldn'], 3), 3);
  t.strictSame(await left(db), ['gone:100', 'ldn:10', 'ldn:29', 'ldn:31', 'ny:10', 'ny:399', 'ny:401'], 'the three oldest (800, 500, 402 days) went first');
  t.equal(await pruneHistory(db, baseConfig({ history: { retainDays: 1 } }), ['ny', 'ldn'], 100), 7, 'the next run deletes the rest');
});
