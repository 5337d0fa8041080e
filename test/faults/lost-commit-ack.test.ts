// A COMMIT whose acknowledgement is lost: the server committed the branch,
// then the connection dropped before the run heard so. The retry finds the
// branch's write record (inserted in the same transaction) and reports what
// that commit wrote, instead of writing again and reporting every create as
// a conflict. Real PostgreSQL; the lost acknowledgement is a connection
// error thrown at the afterBranchCommit fault point.
import t from 'tap';
import { Writable } from 'node:stream';
import { buildConfigSet } from '../../controller/core/config/config-set.js';
import { createLogger } from '../../controller/runtime/logger.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { listRuns } from '../../controller/store/runs.js';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { requirePostgres } from '../helpers/db.js';
import { CONFIG_DIR, demoDatabase, NOW_ISO } from './harness.js';

const NOW = Date.parse(NOW_ISO);
const connectionLost = () => Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' });

const cases = [
  { name: 'the acknowledgement of one branch commit is lost once: the retry reports that commit as written', branch: 'london-soho' },
  { name: 'the acknowledgement of the first branch commit is lost once: same', branch: 'downtown' },
];

if (requirePostgres(t)) {
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const { db } = await demoDatabase(t);
      const { documents, problems } = await loadConfigDocumentsFromDir(CONFIG_DIR);
      const lines: Array<Record<string, unknown>> = [];
      const logger = createLogger({
        level: 'info',
        destination: new Writable({
          write(chunk, _e, cb) {
            for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
            cb();
          },
        }),
      });
      let lost = 0;
      const result = await reconcile({
        db,
        config: buildConfigSet(documents, problems),
        logger,
        now: NOW,
        mode: 'apply',
        clock: () => NOW,
        retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1, delay: async () => {} },
        faults: {
          afterBranchCommit: async (branchId) => {
            if (branchId === c.branch && lost++ === 0) throw connectionLost();
          },
        },
      });
      t.equal(lost, 1, 'one acknowledgement was lost');
      t.equal(result.exitCode, 0);
      const rows = await db.query<{ branch_id: string; n: number }>(`SELECT branch_id, count(*)::int AS n FROM class_sessions GROUP BY 1 ORDER BY 1`);
      const inDb = Object.fromEntries(rows.map((r) => [r.branch_id, r.n]));
      const reported = Object.fromEntries(result.branches.map((b) => [b.branchId, b.created]));
      t.same(reported, inDb, 'each branch reports the rows it wrote');
      t.match(result.branches.find((b) => b.branchId === c.branch), { recovered: true, notWritten: {} }, 'the branch is recognised as already applied');
      t.equal(result.written.create, rows.reduce((n, r) => n + r.n, 0), 'the run reports what is in the database');
      t.equal(result.written.conflicts, 0, 'no conflict reported');
      t.notOk(lines.some((l) => /Change not written/.test(String(l.msg))), 'no "Change not written" line');
      t.match((await listRuns(db, 1))[0]?.summary, { create: result.written.create, conflicts: 0 }, 'the journal says the same');
    });
  }
}
