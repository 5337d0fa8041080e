// The reconcile_runs journal seen from a new run: a 'running' row whose run
// is dead is marked 'interrupted', and the new run records that it resumes it.
// Nothing else is needed to resume: the database is the checkpoint, branches
// commit whole, so the new run simply recomputes and does what is left.
//
// A run is dead when its lease expired (it renews the lease while it works,
// from the database clock), whoever still holds connections: a run that threw
// inside a long-lived `serve` process is caught too. A run whose lease still
// holds is also dead when its process is gone (the fast path after a crash).
import type { Database } from '../store/database.js';
import { readBranchWrites } from '../store/branch-writes.js';
import { processAlive } from '../store/embedded-lock.js';
import { runnerApplicationName, runnerIdentity } from '../store/runner-identity.js';
import { finishRun, listRunningRuns, type RunRecord } from '../store/runs.js';
import { writtenSummary } from './run-summary.js';

/** Is the process behind a 'running' row still there? */
export async function isProcessAlive(db: Database, run: RunRecord): Promise<boolean> {
  if (run.pid === null || run.host === null) return false;
  if (db.kind === 'postgres') {
    // Its connections carry application_name classctl/HOST/PID (runner-identity.ts);
    // a killed process has none left: the server drops them when the socket closes.
    const rows = await db.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 LIMIT 1`, [runnerApplicationName(run.host, run.pid)]);
    return rows.length > 0;
  }
  // The embedded database is opened by one process at a time (embedded-lock.ts).
  const me = runnerIdentity();
  return run.host === me.host && processAlive(run.pid);
}

/** Is the run behind a 'running' row still working? */
export async function isRunAlive(db: Database, run: RunRecord): Promise<boolean> {
  if (run.leaseExpired) return false;
  return isProcessAlive(db, run);
}

/**
 * Marks every dead 'running' run as interrupted, with what its committed
 * branches wrote as its summary; returns them, oldest first.
 */
export async function markInterruptedRuns(db: Database, clock: () => number): Promise<RunRecord[]> {
  const interrupted: RunRecord[] = [];
  for (const run of await listRunningRuns(db)) {
    if (await isRunAlive(db, run)) continue;
    const why = run.leaseExpired
      ? `its lease expired (no heartbeat since ${run.heartbeatAtMs === null ? 'its start' : new Date(run.heartbeatAtMs).toISOString()}): the run stopped before it finished`
      : `the process (pid ${run.pid ?? '?'} on ${run.host ?? '?'}) stopped before the run finished`;
    const written = await readBranchWrites(db, run.id);
    const marked = await finishRun(db, run.id, {
      status: 'interrupted',
      summary: writtenSummary(written.map((w) => ({ branchId: w.branchId, status: 'applied', ...w.counts, skipped: [] }))),
      error: `${why}; branches it committed are kept, the next run does the rest`,
      finishedAtMs: clock(),
      onlyIfRunning: true,
    });
    if (marked) interrupted.push(run);
  }
  return interrupted;
}
