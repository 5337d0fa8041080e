// `classctl history` and `classctl runs show N`: filters, newest first, the
// limit across batches, and usage errors; the store's batches on PGlite and
// PostgreSQL. Events are written here directly, with fixed times.
import t from 'tap';
import { openDatabase, type Sql } from '../../controller/store/database.js';
import { historyBatches, runChanges, type HistoryFilter } from '../../controller/store/history.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { eachBackend } from '../helpers/backends.js';
import { runClassctlInProcess } from '../helpers/cli.js';

/** Ten events: run 1 creates five yoga sessions (ny), run 2 updates two and cancels one, and creates two swim sessions (ldn). */
async function seedEvents(db: Sql): Promise<void> {
  await db.query(`INSERT INTO reconcile_runs (id, started_at, finished_at, status, mode, "now") VALUES
    (1, '2027-03-01T00:00:00Z', '2027-03-01T00:00:01Z', 'succeeded', 'apply', '2027-03-01T00:00:00Z'),
    (2, '2027-03-02T00:00:00Z', '2027-03-02T00:00:01Z', 'succeeded', 'apply', '2027-03-02T00:00:00Z')`);
  await db.query(`INSERT INTO session_events (run_id, at, branch_id, series_id, occurrence_key, kind, booked_count, reason, before, after)
    SELECT 1, '2027-03-01T00:00:00Z', 'ny', 'yoga', '2027-03-1' || d, 'create', 0, 'occurrence', NULL, '{"title": "Yoga"}' FROM generate_series(0, 4) AS d`);
  await db.query(`INSERT INTO session_events (run_id, at, branch_id, series_id, occurrence_key, kind, booked_count, reason, before, after) VALUES
    (2, '2027-03-02T00:00:00Z', 'ny', 'yoga', '2027-03-10', 'update', 0, 'series-edited', '{"title": "Yoga"}', '{"title": "Yoga Flow"}'),
    (2, '2027-03-02T00:00:00Z', 'ny', 'yoga', '2027-03-11', 'update', 0, 'series-edited', '{"title": "Yoga"}', '{"title": "Yoga Flow"}'),
    (2, '2027-03-02T00:00:00Z', 'ny', 'yoga', '2027-03-12', 'cancel', 4, 'closure', '{"status": "scheduled"}', '{"status": "cancelled"}'),
    (2, '2027-03-02T00:00:00Z', 'ldn', 'swim', '2027-03-10', 'create', 0, 'occurrence', NULL, '{"title": "Swim"}'),
    (2, '2027-03-02T00:00:00Z', 'ldn', 'swim', '2027-03-11', 'create', 0, 'occurrence', NULL, '{"title": "Swim"}')`);
}

const filterCases: Array<{ name: string; filter: HistoryFilter; batch: number; want: string[] }> = [
  { name: 'no filter: newest first', filter: { limit: 100 }, batch: 3, want: ['10', '9', '8', '7', '6', '5', '4', '3', '2', '1'] },
  { name: 'the limit holds across batches', filter: { limit: 4 }, batch: 3, want: ['10', '9', '8', '7'] },
  { name: 'a limit that is a multiple of the batch', filter: { limit: 6 }, batch: 3, want: ['10', '9', '8', '7', '6', '5'] },
  { name: 'one series', filter: { seriesId: 'swim', limit: 100 }, batch: 1, want: ['10', '9'] },
  { name: 'one session', filter: { seriesId: 'yoga', occurrenceKey: '2027-03-10', limit: 100 }, batch: 2, want: ['6', '1'] },
  { name: 'one run', filter: { runId: '1', limit: 100 }, batch: 2, want: ['5', '4', '3', '2', '1'] },
  { name: 'since an instant (inclusive)', filter: { sinceMs: Date.parse('2027-03-02T00:00:00Z'), limit: 100 }, batch: 10, want: ['10', '9', '8', '7', '6'] },
  { name: 'nothing matches', filter: { seriesId: 'none', limit: 100 }, batch: 10, want: [] },
];

eachBackend(t, 'historyBatches: filters, newest first, bounded', async (t, db) => {
  await seedEvents(db);
  for (const c of filterCases) {
    const ids: string[] = [];
    for await (const batch of historyBatches(db, c.filter, c.batch)) {
      t.ok(batch.length <= c.batch, `${c.name}: a batch holds at most ${c.batch}`);
      ids.push(...batch.map((e) => e.id));
    }
    t.strictSame(ids, c.want, c.name);
  }
  const changes = await runChanges(db, '2', 2);
  t.strictSame(
    changes.map((b) => ({ branch: b.branchId, counts: b.counts, first: b.first.map((e) => e.id) })),
    [
      { branch: 'ldn', counts: { create: 2 }, first: ['9', '10'] },
      { branch: 'ny', counts: { cancel: 1, update: 2 }, first: ['6', '7'] },
    ],
    'runChanges: counts per branch and kind, the first changes of each branch in written order',
  );
});

// In a subtest of its own: without PostgreSQL it is skipped there, after the cases above ran.
t.test('classctl history and runs show', async (t) => {
  if (!requirePostgres(t)) return;
  const url = await migratedPostgresDatabase(t);
  const db = await openDatabase({ url });
  t.teardown(() => db.close());
  await seedEvents(db);
  const run = (...args: string[]) => runClassctlInProcess({ CLASSCTL_CONTEXTS: '', DATABASE_URL: url }, '--log-level', 'warn', ...args);

  const cliCases: Array<{ name: string; args: string[]; want: string[] }> = [
    { name: '--session SERIES/DATE', args: ['--session', 'yoga/2027-03-12'], want: ['8', '3'] },
    { name: '--series with --run', args: ['--series', 'yoga', '--run', '2'], want: ['8', '7', '6'] },
    { name: '--since and --limit', args: ['--since', '2027-03-01T12:00:00Z', '--limit', '2'], want: ['10', '9'] },
  ];
  for (const c of cliCases) {
    const r = await run('history', ...c.args, '--output', 'json');
    t.equal(r.code, 0, `${c.name}: exit 0 ${r.err}`);
    t.strictSame((JSON.parse(r.out) as { events: Array<{ id: string }> }).events.map((e) => e.id), c.want, c.name);
  }

  const text = await run('history', '--session', 'yoga/2027-03-10');
  t.match(text.out, /update\s+yoga\/2027-03-10\s+series-edited\s+title: Yoga → Yoga Flow/, 'text shows an update as its fields before → after');

  const usage: Array<{ name: string; args: string[]; key: RegExp }> = [
    { name: 'a session without a date', args: ['--session', 'yoga'], key: /SERIES\/DATE/ },
    { name: 'a session of another series than --series', args: ['--series', 'swim', '--session', 'yoga/2027-03-10'], key: /belongs to series "yoga"/ },
    { name: 'a run id that is not a number', args: ['--run', 'last'], key: /not a run id/ },
    { name: 'an instant without a zone', args: ['--since', '2027-03-01T00:00'], key: /--since/ },
    { name: 'a limit of zero', args: ['--limit', '0'], key: /--limit/ },
    { name: 'a limit past the bound', args: ['--limit', '100001'], key: /--limit/ },
  ];
  for (const c of usage) {
    const r = await run('history', ...c.args);
    t.equal(r.code, 2, `${c.name}: exit 2`);
    t.match(r.err, c.key, `${c.name}: says what is wrong`);
  }

  const shown = await run('runs', 'show', '2', '--output', 'json');
  t.equal(shown.code, 0, shown.err);
  const body = JSON.parse(shown.out) as { run: { id: string }; branches: Array<{ branchId: string; counts: Record<string, number> }> };
  t.equal(body.run.id, '2');
  t.strictSame(body.branches.map((b) => [b.branchId, b.counts]), [['ldn', { create: 2 }], ['ny', { cancel: 1, update: 2 }]], 'runs show: counts per branch');
  const shownText = await run('runs', 'show', '1');
  t.match(shownText.out, /Branch ny: create 5\n/, 'runs show: the text names each branch with its counts');
  const missing = await run('runs', 'show', '99');
  t.equal(missing.code, 2, 'an unknown run is an error');
  t.match(missing.err, /No run 99/);
  t.equal((await run('runs', '--limit', '1')).code, 0, 'runs without show still lists runs');
});
