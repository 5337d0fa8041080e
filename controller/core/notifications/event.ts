// What a notification says: a typed event with a stable id. The id is derived
// from what the event is about (the run, the session, the document), so a
// retried branch transaction writes the same event again, not a second one,
// and a receiver deduplicates on it (it is the `webhook-id` of every attempt).
import { createHash } from 'node:crypto';

export const EVENT_TYPES = [
  'run.failed',
  'run.refused',
  'config.invalid',
  'session.cancelled',
  'session.moved',
  'session.capacityBelowBookings',
  'series.archived',
  'removal.refused',
  'plan.awaitingApproval',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const SEVERITIES = ['info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface NotificationEvent {
  /** Stable: the same fact always gets the same id (`evt_` + 32 hex digits). */
  id: string;
  type: EventType;
  severity: Severity;
  /** ISO UTC: the run's logical instant for run events, the run's `now` for session events. */
  occurredAt: string;
  runId: string | null;
  branchId: string | null;
  seriesId: string | null;
  data: Record<string, unknown>;
}

/** The severity of each type: what a destination's `minSeverity` compares. */
export const EVENT_SEVERITY: Record<EventType, Severity> = {
  'run.failed': 'error',
  'run.refused': 'error',
  'config.invalid': 'error',
  'removal.refused': 'error',
  'plan.awaitingApproval': 'warning',
  'session.cancelled': 'warning',
  'session.moved': 'warning',
  'session.capacityBelowBookings': 'warning',
  'series.archived': 'info',
};

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isEventType(v: unknown): v is EventType {
  return typeof v === 'string' && (EVENT_TYPES as readonly string[]).includes(v);
}

/** The id of the event of `type` about `parts` (run id, session key, …). */
export function eventId(type: EventType, parts: ReadonlyArray<string | number | null>): string {
  const h = createHash('sha256');
  h.update(type);
  for (const p of parts) h.update('\u0000' + (p === null ? '\u0001' : String(p)));
  return 'evt_' + h.digest('hex').slice(0, 32);
}

export function makeEvent(
  type: EventType,
  about: { runId: string | null; branchId?: string | null; seriesId?: string | null; occurredAt: string; key: ReadonlyArray<string | number | null> },
  data: Record<string, unknown>,
): NotificationEvent {
  return {
    id: eventId(type, [about.runId, ...about.key]),
    type,
    severity: EVENT_SEVERITY[type],
    occurredAt: about.occurredAt,
    runId: about.runId,
    branchId: about.branchId ?? null,
    seriesId: about.seriesId ?? null,
    data,
  };
}
