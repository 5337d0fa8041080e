// Transient database errors: a connection killed with pg_terminate_backend in
// the middle of a branch transaction. Real PostgreSQL, in-process, with the
// retry delays recorded instead of slept.
import t from 'tap';
import postgres from 'postgres';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { runnerApplicationName } from '../../controller/store/runner-identity.js';
import { requirePostgres } from '../helpers/db.js';
import { comparableSnapshot, CONFIG_DIR, demoDatabase, NOW_ISO } from './harness.js';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { buildConfigSet } from '../../controller/core/config/config-set.js';
import { createLogger } from '../../controller/runtime/logger.js';
import { Writable } from 'node:stream';

const NOW = Date.parse(NOW_ISO);

async function exampleConfig() {
  const { documents, problems } = await loadConfigDocumentsFromDir(CONFIG_DIR);
  return buildConfigSet(documents, problems);
}

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: createLogger({ level: 'info', destination: stream }), lines };
}

/** Kills this process's backends that sit idle inside a transaction: the branch transaction at its hook. */
async function terminateOurTransaction(url: string): Promise<number> {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin.unsafe(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE application_name = $1 AND state = 'idle in transaction'`,
      [runnerApplicationName()],
    );
    return rows.length;
  } finally {
    await admin.end();
  }
}

if (requirePostgres(t)) {
  t.test('a connection killed once mid-branch is retried after a recorded backoff and the run succeeds', async (t) => {
    const { url, db } = await demoDatabase(t);
    const delays: number[] = [];
    let kills = 0;
    const { logger, lines } = capturedLogger();
    const result = await reconcile({
      db,
      config: await exampleConfig(),
      logger,
      now: NOW,
      mode: 'apply',
      retry: { maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 1000, delay: async (ms) => void delays.push(ms) },
      faults: {
        beforeBranchCommit: async (branchId) => {
          if (branchId === 'london-soho' && kills === 0) kills += await terminateOurTransaction(url);
        },
      },
    });
    t.equal(kills, 1, 'the branch transaction was killed once');
    t.equal(result.exitCode, 0);
    t.same(delays, [250], 'one retry after the initial backoff');
    t.ok(lines.some((l) => l.branchId === 'london-soho' && /retrying/.test(String(l.msg))), 'the retry is logged with the branch');
    const sessions = await db.query(`SELECT count(*)::int AS n FROM class_sessions WHERE branch_id = 'london-soho'`);
    t.ok(sessions[0]!.n > 0, 'the branch was written on the second attempt');
  });

  t.test('a connection killed on every attempt fails that branch with exit 1; others apply; the next run converges', async (t) => {
    const { url, db } = await demoDatabase(t);
    const delays: number[] = [];
    const { logger, lines } = capturedLogger();
    const config = await exampleConfig();
    const result = await reconcile({
      db,
      config,
      logger,
      now: NOW,
      mode: 'apply',
      retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 150, delay: async (ms) => void delays.push(ms) },
      faults: {
        beforeBranchCommit: async (branchId) => {
          if (branchId === 'london-soho') await terminateOurTransaction(url);
        },
      },
    });
    t.equal(result.exitCode, 1, 'the run fails');
    t.same(delays, [100, 150], 'capped exponential backoff');
    t.same(result.failedBranches.map((f) => f.branchId), ['london-soho']);
    const error = lines.find((l) => l.level === 50 && l.branchId === 'london-soho');
    t.match(String(error?.msg), /database connection was lost/, 'the error names the cause');
    const byBranch = await db.query<{ branch_id: string }>(`SELECT DISTINCT branch_id FROM class_sessions ORDER BY 1`);
    t.same(byBranch.map((r) => r.branch_id), ['downtown', 'sydney-cbd'], 'the failed branch is untouched, the others applied');

    const next = await reconcile({ db, config, logger: createLogger({ level: 'silent' }), now: NOW, mode: 'apply' });
    t.equal(next.exitCode, 0);
    t.ok(next.summary.create > 0 && next.plan.branches.every((b) => b.branchId === 'london-soho' || b.changes.length === 0), 'the next run only writes the failed branch');
    const again = await reconcile({ db, config, logger: createLogger({ level: 'silent' }), now: NOW, mode: 'plan' });
    t.equal(again.plan.branches.reduce((n, b) => n + b.changes.length, 0), 0, 'converged');
    t.ok((await comparableSnapshot(db)).sessions.length > 0);
  });
}
