// A run's journal row from start to finish: dead runs marked interrupted, the
// row inserted, its lease renewed while the run works, and finished exactly
// once on every exit path. Journal writes are retried like any other; a
// finish that still fails leaves the row to its lease: it expires and the
// next run marks it interrupted, so no row stays 'running' for good.
import type { Database } from '../store/database.js';
import { randomUUID } from 'node:crypto';
import type { NotificationEvent } from '../core/notifications/event.js';
import { insertEvents } from '../store/notifications/outbox.js';
import { finishRun, renewRunLease, startRun, type RunRecord } from '../store/runs.js';
import { markInterruptedRuns } from './journal.js';
import type { Logger } from './logger.js';
import { describeDbError, withRetry, type RetryPolicy } from './retry.js';

export interface LeasePolicy {
  /** How long the row counts as alive without a renewal. */
  durationMs: number;
  /** How often a working run renews it: several renewals fit in one lease, so a few lost ones do not matter. */
  renewEveryMs: number;
}

export const DEFAULT_LEASE: LeasePolicy = { durationMs: 60_000, renewEveryMs: 15_000 };

export interface RunFinish {
  status: 'succeeded' | 'failed' | 'awaiting-approval';
  summary: unknown;
  error: string | null;
  /** Run-level notifications (failed, refused, invalid configuration), written in the transaction that finishes the row. */
  events?: NotificationEvent[];
}

export interface RunJournal {
  runId: string;
  /** Dead runs this one found and marked interrupted, oldest first. */
  interrupted: RunRecord[];
  /** Finishes the row once (later calls do nothing); never throws. */
  finish(r: RunFinish): Promise<void>;
  readonly finished: boolean;
  /** Stops renewing the lease. */
  close(): void;
}

/**
 * Finishes that failed after their retries, by run id: the next run of this
 * process (serve's next interval) writes them first, so a row whose finish
 * met a dropped connection does not wait for its lease to expire. Each
 * closure reads the clock when it runs.
 */
const unfinishedRuns = new Map<string, () => Promise<unknown>>();

async function finishUnfinishedRuns(log: Logger): Promise<void> {
  for (const [runId, finish] of [...unfinishedRuns]) {
    try {
      await finish();
      unfinishedRuns.delete(runId);
      log.info({ runId }, `Finished the journal row of run ${runId}, which an earlier attempt could not write.`);
    } catch {
      // Still unreachable: the lease remains the backstop, and the next run tries again.
    }
  }
}

export async function openRunJournal(o: {
  db: Database;
  log: Logger;
  retry: RetryPolicy;
  lease: LeasePolicy;
  clock: () => number;
  start: { mode: string; nowMs: number; configDigest: string; startedAtMs: number; planFingerprint?: string | null };
}): Promise<RunJournal> {
  const { db, log, retry, lease, clock } = o;
  const onRetry = (what: string) => (err: unknown, attempt: number, delayMs: number) =>
    log.warn({ attempt, delayMs, code: (err as { code?: string }).code }, `${what} failed with a transient database error (${describeDbError(err)}); retrying in ${delayMs} ms.`);
  await finishUnfinishedRuns(log);
  const interrupted = await withRetry(() => markInterruptedRuns(db, clock), retry, onRetry('Checking the journal for interrupted runs'));
  const resumedAfter = interrupted.length > 0 ? interrupted[interrupted.length - 1]!.id : null;
  const token = randomUUID();
  const runId = await withRetry(
    () => startRun(db, { ...o.start, resumedAfter, leaseMs: lease.durationMs, token }),
    retry,
    onRetry('Writing the journal row of this run'),
  );
  const runLog = log.child({ runId });

  let renewing = false;
  const renew = async () => {
    if (renewing) return;
    renewing = true;
    try {
      if (!(await renewRunLease(db, runId, lease.durationMs))) {
        runLog.warn('The journal row of this run is no longer running (another run marked it interrupted after its lease expired); the run goes on and records its real outcome when it finishes.');
      }
    } catch (err) {
      runLog.warn({ code: (err as { code?: string }).code }, `Could not renew the lease of this run (${describeDbError(err)}); the next renewal tries again.`);
    } finally {
      renewing = false;
    }
  };
  const timer = setInterval(() => void renew(), lease.renewEveryMs);
  timer.unref();

  let finished = false;
  return {
    runId,
    interrupted,
    get finished() {
      return finished;
    },
    close() {
      clearInterval(timer);
    },
    async finish(r) {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      try {
        // A row marked interrupted meanwhile (its lease ran out during an
        // outage) gets this run's real outcome.
        const { events = [], ...row } = r;
        const finish = () =>
          events.length === 0
            ? finishRun(db, runId, { ...row, finishedAtMs: clock() })
            : db.transaction(async (tx) => {
                const [done] = await Promise.all([finishRun(tx, runId, { ...row, finishedAtMs: clock() }), insertEvents(tx, events)]);
                return done;
              });
        try {
          await withRetry(finish, retry, onRetry('Finishing the journal row of this run'));
        } catch (err) {
          unfinishedRuns.set(runId, finish);
          throw err;
        }
      } catch (err) {
        runLog.error(
          { code: (err as { code?: string }).code },
          `Could not finish the journal row of run ${runId} (${describeDbError(err)}); the next run of this process writes it, else it stays 'running' until its lease expires (${Math.round(lease.durationMs / 1000)} s) and the next run marks it interrupted. What the run wrote is committed.`,
        );
      }
    },
  };
}
