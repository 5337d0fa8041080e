// The run-level notifications of a reconcile run, built when its journal row
// is finished (and written with it): the run failed, a guard refused it, or a
// configuration error kept something from being reconciled.
import type { ConfigSet } from '../../core/config/config-set.js';
import type { ClassctlError } from '../../core/errors.js';
import type { NotificationEvent } from '../../core/notifications/event.js';
import { configInvalidEvents, runFailedEvent, runRefusedEvent, type RunFacts } from '../../core/notifications/run-events.js';
import type { Database } from '../../store/database.js';
import { insertEvents } from '../../store/notifications/outbox.js';
import type { Logger } from '../logger.js';

export function finishedRunEvents(
  run: RunFacts,
  config: ConfigSet,
  outcome: { failed: boolean; error: string | null; failedBranches: Array<{ branchId: string; error: string }>; errors: number },
): NotificationEvent[] {
  const events = configInvalidEvents(run, config.digest, config.problems);
  if (outcome.failed) events.unshift(runFailedEvent(run, { error: outcome.error ?? `${outcome.errors} error(s) in the plan`, failedBranches: outcome.failedBranches, errors: outcome.errors }));
  return events;
}

export function refusedRunEvents(run: RunFacts, refusal: ClassctlError, counts?: Record<string, unknown>): NotificationEvent[] {
  return [runRefusedEvent(run, { code: refusal.code, message: refusal.message, counts })];
}

const WRITE_FORBIDDEN = new Set<string>(['GUARD_ENVIRONMENT', 'GUARD_PRODUCTION', 'GUARD_DEMO_DATABASE']);

/**
 * A refusal before the run has a journal row (an environment guard, a stale
 * saved plan): its event is written on its own. Best effort — the refusal is
 * already the run's answer, and a database that cannot take one row is
 * reported by the run's own error.
 */
export async function recordRefusalWithoutJournal(db: Database, log: Logger, refusal: ClassctlError, events: NotificationEvent[]): Promise<void> {
  // These guards forbid every write to this database, the outbox included:
  // their refusal is told by the exit code and the log only.
  if (WRITE_FORBIDDEN.has(refusal.code)) return;
  try {
    await insertEvents(db, events);
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'Could not write the notification of this refusal to the outbox; it is not sent.');
  }
}
