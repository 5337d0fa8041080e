// A series edited while a run is between its snapshot and its writes.
import t from 'tap';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { createLogger } from '../../controller/runtime/logger.js';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { buildConfigSet } from '../../controller/core/config/config-set.js';
import { requirePostgres } from '../helpers/db.js';
import { CONFIG_DIR, demoDatabase, NOW_ISO } from './harness.js';

const NOW = Date.parse(NOW_ISO);

if (requirePostgres(t)) {
  t.test('the run completes with the series as it was at its start; the next run applies the edit', async (t) => {
    const { db } = await demoDatabase(t);
    const { documents, problems } = await loadConfigDocumentsFromDir(CONFIG_DIR);
    const config = buildConfigSet(documents, problems);
    const logger = createLogger({ level: 'silent' });
    const startTimes = async () =>
      db.query<{ t: string }>(
        `SELECT DISTINCT to_char(starts_at AT TIME ZONE timezone, 'HH24:MI') AS t FROM class_sessions WHERE series_id = 'downtown-yoga-mon'`,
      );
    const series = await db.query<{ start_time: string }>(`SELECT start_time::text FROM class_series WHERE id = 'downtown-yoga-mon'`);
    const original = series[0]!.start_time.slice(0, 5);

    const first = await reconcile({
      db, config, logger, now: NOW, mode: 'apply',
      faults: {
        afterSnapshot: async () => {
          await db.query(`UPDATE class_series SET start_time = '20:15' WHERE id = 'downtown-yoga-mon'`);
        },
      },
    });
    t.equal(first.exitCode, 0);
    t.same((await startTimes()).map((r) => r.t), [original], 'written with the snapshot taken at the start');

    const second = await reconcile({ db, config, logger, now: NOW, mode: 'apply' });
    t.ok(second.summary.update > 0);
    t.same((await startTimes()).map((r) => r.t), ['20:15'], 'the next run applies the new time');
  });
}
