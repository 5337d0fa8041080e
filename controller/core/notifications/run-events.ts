// The events of a run as a whole: it failed, a guard refused it (the mass-
// removal guard has its own type: removal.refused, with the counts), or a
// configuration problem kept branches from being reconciled.
import type { Problem } from '../errors.js';
import { eventId, makeEvent, type NotificationEvent } from './event.js';

export interface RunFacts {
  runId: string | null;
  /** The run's logical instant, ISO UTC. */
  now: string;
  mode: string;
}

export function runFailedEvent(run: RunFacts, failure: { error: string; failedBranches: Array<{ branchId: string; error: string }>; errors: number }): NotificationEvent {
  return makeEvent('run.failed', { runId: run.runId, occurredAt: run.now, key: [run.now] }, { runId: run.runId, now: run.now, mode: run.mode, error: failure.error, failedBranches: failure.failedBranches, errors: failure.errors });
}

/**
 * A guard's refusal. `counts` are what the guard weighed (for the mass-removal
 * guard: removals against the limit, per branch); a refusal before any journal
 * row exists has no run id, so the refusal's code and instant identify it.
 */
export function runRefusedEvent(run: RunFacts, refusal: { code: string; message: string; counts?: Record<string, unknown> }): NotificationEvent {
  const type = refusal.code === 'GUARD_MASS_REMOVAL' ? 'removal.refused' : 'run.refused';
  return makeEvent(type, { runId: run.runId, occurredAt: run.now, key: [run.now, refusal.code] }, { runId: run.runId, now: run.now, mode: run.mode, code: refusal.code, message: refusal.message, ...(refusal.counts ? { counts: refusal.counts } : {}) });
}

/**
 * A plan held for approval (`serve --approval`). Keyed by the approval, not
 * the run: the runs that hold the same plan again at every interval are one
 * event, until a different plan is held.
 */
export function planAwaitingApprovalEvent(run: RunFacts, approval: { id: string; reason: string; totals: Record<string, number> }): NotificationEvent {
  const event = makeEvent('plan.awaitingApproval', { runId: run.runId, occurredAt: run.now, key: [] }, { runId: run.runId, now: run.now, approvalId: approval.id, reason: approval.reason, totals: approval.totals });
  return { ...event, id: eventId('plan.awaitingApproval', ['approval', approval.id]) };
}

/** One event per configuration error (warnings tell nobody): the document, the JSON pointer and what to do. */
export function configInvalidEvents(run: RunFacts, configDigest: string, problems: readonly Problem[]): NotificationEvent[] {
  return problems
    .filter((p) => p.severity === 'error' && p.code.startsWith('CONFIG_'))
    .map((p) =>
      // Keyed by the configuration's digest, not the run: the same broken
      // document is one event however many runs see it, until it changes.
      makeEvent(
        'config.invalid',
        { runId: null, occurredAt: run.now, key: [configDigest, p.origin ?? null, p.document ?? null, p.pointer, p.code] },
        { runId: run.runId, code: p.code, scope: p.scope, document: p.document ?? null, origin: p.origin ?? null, pointer: p.pointer, message: p.message },
      ),
    );
}
