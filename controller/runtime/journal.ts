// The reconcile_runs journal seen from a new run: a 'running' row whose process
// is gone is marked 'interrupted', and the new run records that it resumes it.
// Nothing else is needed to resume: the database is the checkpoint, branches
// commit whole, so the new run simply recomputes and does what is left.
import type { Database } from '../store/database.js';
import { processAlive } from '../store/embedded-lock.js';
import { runnerApplicationName, runnerIdentity } from '../store/runner-identity.js';
import { finishRun, listRunningRuns, type RunRecord } from '../store/runs.js';

/** Is the process behind a 'running' row still there? */
export async function isRunAlive(db: Database, run: RunRecord): Promise<boolean> {
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

/** Marks every dead 'running' run as interrupted; returns them, oldest first. */
export async function markInterruptedRuns(db: Database, clock: () => number): Promise<RunRecord[]> {
  const interrupted: RunRecord[] = [];
  for (const run of await listRunningRuns(db)) {
    if (await isRunAlive(db, run)) continue;
    await finishRun(db, run.id, {
      status: 'interrupted',
      summary: run.summary,
      error: `the process (pid ${run.pid ?? '?'} on ${run.host ?? '?'}) stopped before the run finished; branches it committed are kept, the next run does the rest`,
      finishedAtMs: clock(),
    });
    interrupted.push(run);
  }
  return interrupted;
}
