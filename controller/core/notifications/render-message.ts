// What a destination receives. A webhook gets the event as JSON in the
// Standard Webhooks shape (`type`, `timestamp`, `data`) plus the event's id
// and context; Slack gets one line of text an admin can act on.
import type { NotificationEvent } from './event.js';

export function webhookBody(e: NotificationEvent): string {
  return JSON.stringify({ id: e.id, type: e.type, timestamp: e.occurredAt, severity: e.severity, runId: e.runId, branchId: e.branchId, seriesId: e.seriesId, data: e.data });
}

export function slackBody(e: NotificationEvent): string {
  return JSON.stringify({ text: slackText(e) });
}

export function slackText(e: NotificationEvent): string {
  const d = e.data as Record<string, any>;
  const mark = e.severity === 'error' ? ':rotating_light:' : e.severity === 'warning' ? ':warning:' : ':information_source:';
  const session = () => `${d.seriesId} ${d.occurrenceKey} (${d.bookedCount} booked)`;
  switch (e.type) {
    case 'run.failed':
      return `${mark} classctl run ${d.runId ?? ''} failed: ${d.error}`;
    case 'run.refused':
    case 'removal.refused':
      return `${mark} classctl run refused (${d.code}): ${d.message}`;
    case 'plan.awaitingApproval':
      return `${mark} A classctl plan waits for approval ${d.approvalId} (${d.reason}: ${d.totals?.create ?? 0} creates, ${d.totals?.update ?? 0} updates, ${d.totals?.delete ?? 0} deletes, ${d.totals?.cancel ?? 0} cancels, ${d.totals?.archive ?? 0} archives); nothing is written until it is approved in the console or with POST /api/approvals/${d.approvalId}/approve.`;
    case 'config.invalid':
      return `${mark} Invalid configuration in ${d.document ?? d.origin ?? 'a document'} at ${d.pointer || '/'}: ${d.message}`;
    case 'session.cancelled':
      return `${mark} Booked session cancelled: ${session()}. Tell the members.`;
    case 'session.moved':
      return `${mark} Booked session moved: ${session()} from ${d.before?.startsAt} to ${d.after?.startsAt}. Tell the members.`;
    case 'session.capacityBelowBookings':
      return `${mark} Capacity below bookings: ${session()} now has ${d.capacityAfter} places.`;
    case 'series.archived':
      return `${mark} Series ${d.seriesId} (${d.title}) archived: ${d.reason}`;
  }
}
