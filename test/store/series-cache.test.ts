// The series a long-running process keeps between runs: given again only
// while class_series holds the same row versions, so that a run never plans
// from a series as it was before an edit — an edit made with triggers off
// (which bumps no version) included.
import t from 'tap';
import { createControllerRun } from '../../controller/runtime/controller-run.js';
import { createMetrics } from '../../controller/runtime/metrics.js';
import type { Database } from '../../controller/store/database.js';
import { readSeries } from '../../controller/store/inputs.js';
import { loadInputs } from '../../controller/store/load.js';
import { SeriesSnapshotCache } from '../../controller/store/series-cache.js';
import { eachBackend } from '../helpers/backends.js';
import { THREE_ZONE_CHAIN, baseConfig, silentLogger } from '../helpers/fixtures.js';

// Wednesday 2026-11-25 10:00 in New York (15:00 UTC).
const NOW = Date.parse('2026-11-25T15:00:00Z');

// One series with an exdate: the kept objects' exdates are frozen too.
const inputs = {
  ...THREE_ZONE_CHAIN,
  series: THREE_ZONE_CHAIN.series.map((s) => (s.id === 'tokyo-spin' ? { ...s, exdates: ['2026-12-24'] } : s)),
};

/** Reads through the cache inside a transaction, as a run's snapshot does. */
const readThrough = (db: Database, cache: SeriesSnapshotCache) => db.transaction((tx) => cache.read(tx));

const INSERT_YOGA = `INSERT INTO class_series (id, branch_id, title, rrule, start_date, start_time, duration_minutes, capacity, instructor_id, room_id)
  VALUES ('ny-yoga', 'ny', 'Yoga', 'FREQ=WEEKLY;BYDAY=MO,WE,FR', '2026-11-01', '09:00', 60, 12, 'ana', 'studio-a')`;

interface CacheCase {
  name: string;
  /** Between the two reads; each inner list is one transaction. */
  change: string[][];
  /** Whether the second read may give the first read's objects. */
  reused: boolean;
}

const cases: CacheCase[] = [
  { name: 'nothing changed: the series of the first read are given again', change: [], reused: true },
  { name: 'a title edited (the trigger bumps the version): read again', change: [[`UPDATE class_series SET title = 'Power Yoga' WHERE id = 'ny-yoga'`]], reused: false },
  {
    name: 'a start time edited with triggers off (the version stays): read again',
    change: [[`SET LOCAL session_replication_role = replica`, `UPDATE class_series SET start_time = '10:00' WHERE id = 'ny-yoga'`]],
    reused: false,
  },
  { name: 'an exdate added: read again', change: [[`UPDATE class_series SET exdates = exdates || '2026-12-02'::date WHERE id = 'ny-yoga'`]], reused: false },
  { name: 'an UPDATE that writes the same values: read again (a new row version)', change: [[`UPDATE class_series SET title = title WHERE id = 'ldn-pilates'`]], reused: false },
  { name: 'a series deleted: read again', change: [[`DELETE FROM class_series WHERE id = 'tokyo-spin'`]], reused: false },
  { name: 'a series added: read again', change: [[`DELETE FROM class_series WHERE id = 'ny-yoga'`], [INSERT_YOGA.replace(`'ny-yoga'`, `'ny-yoga-2'`)]], reused: false },
  { name: 'a series deleted and inserted again with the same values in one transaction: read again', change: [[`DELETE FROM class_series WHERE id = 'ny-yoga'`, INSERT_YOGA]], reused: false },
  { name: 'an edit rolled back: given again', change: [[`UPDATE class_series SET title = 'Never' WHERE id = 'ny-yoga'`, 'ROLLBACK']], reused: true },
  { name: 'VACUUM (FREEZE): given again (a frozen row keeps its xmin)', change: [[`VACUUM (FREEZE) class_series`]], reused: true },
];

for (const c of cases) {
  eachBackend(t, c.name, async (t, db) => {
    await loadInputs(db, inputs);
    const cache = new SeriesSnapshotCache();
    const first = await readThrough(db, cache);
    t.same(first, await readSeries(db), 'the first read is what readSeries gives');
    for (const statements of c.change) {
      if (statements[0]!.startsWith('VACUUM')) {
        await db.query(statements[0]!);
        continue;
      }
      const rollback = statements.at(-1) === 'ROLLBACK';
      await db
        .transaction(async (tx) => {
          for (const s of statements.filter((s) => s !== 'ROLLBACK')) await tx.query(s);
          if (rollback) throw new Error('rolled back on purpose');
        })
        .catch((err: Error) => {
          if (!rollback) throw err;
        });
    }
    const second = await readThrough(db, cache);
    t.same(second, await readSeries(db), 'the second read is what readSeries gives now');
    const sameObjects = second.length === first.length && second.every((s, i) => s === first[i]);
    t.equal(sameObjects, c.reused, c.reused ? 'the objects of the first read' : 'new objects');
  });
}

eachBackend(t, 'the series given are frozen: a run cannot change what the next one reads', async (t, db) => {
  await loadInputs(db, inputs);
  const cache = new SeriesSnapshotCache();
  const series = await readThrough(db, cache);
  t.throws(() => {
    (series[0] as { title: string }).title = 'Changed';
  }, TypeError);
  const spin = series.find((s) => s.id === 'tokyo-spin')!;
  t.same(spin.exdates, ['2026-12-24']);
  t.throws(() => (spin.exdates as string[]).push('2027-01-01'), TypeError);
  series.pop();
  const again = await readThrough(db, cache);
  t.equal(again.length, 3, 'each read gives an array of its own');
  t.equal(again[0], series[0], 'of the same objects');
});

eachBackend(t, 'serve: a series edited with triggers off between two controller runs is reconciled by the second', async (t, db) => {
  await loadInputs(db, inputs);
  let now = NOW;
  const run = createControllerRun({ db, loadConfig: async () => baseConfig(), metrics: createMetrics(), logger: silentLogger(), clock: () => now });
  t.equal((await run(['start']))?.outcome, 'succeeded');
  // As a bulk load or logical replication writes: no trigger, no version bump.
  await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL session_replication_role = replica`);
    await tx.query(`UPDATE class_series SET title = 'Power Yoga' WHERE id = 'ny-yoga'`);
  });
  now += 60_000;
  const second = await run(['interval']);
  t.equal(second?.outcome, 'succeeded');
  const titles = await db.query<{ title: string; n: number }>(
    `SELECT title, count(*)::int AS n FROM class_sessions WHERE series_id = 'ny-yoga' AND starts_at > $1::timestamptz GROUP BY title`,
    [new Date(now).toISOString()],
  );
  t.same(titles.map((r) => r.title), ['Power Yoga'], 'every future session of the series has the new title');
});
