// The events of a branch's written changes that reach booked members: a
// booked session cancelled, moved in time, or given fewer places than it has
// bookings. Unbooked sessions change every day and tell nobody anything.
import type { Change, SeriesArchiveChange, SessionChange } from '../plan-types.js';
import { makeEvent, type NotificationEvent } from './event.js';

export interface WrittenChangesContext {
  runId: string | null;
  /** The run's logical instant, ISO UTC. */
  occurredAt: string;
  /** `seriesId\u0000occurrenceKey` of session changes the database refused, and ids of series not archived. */
  notWritten: ReadonlySet<string>;
}

export function notWrittenKey(seriesId: string, occurrenceKey: string | null): string {
  return occurrenceKey === null ? seriesId : `${seriesId}\u0000${occurrenceKey}`;
}

/** One event per fact, in the order of the changes. */
export function changeEvents(changes: readonly Change[], ctx: WrittenChangesContext): NotificationEvent[] {
  const events: NotificationEvent[] = [];
  for (const c of changes) {
    if (ctx.notWritten.has(notWrittenKey(c.seriesId, c.occurrenceKey))) continue;
    if (c.action === 'delete-series') events.push(archivedEvent(c, ctx));
    else events.push(...bookedSessionEvents(c, ctx));
  }
  return events;
}

function bookedSessionEvents(c: SessionChange, ctx: WrittenChangesContext): NotificationEvent[] {
  const booked = c.bookedCount ?? 0;
  if (booked <= 0 || c.sessionId === null) return [];
  const about = { runId: ctx.runId, branchId: c.branchId, seriesId: c.seriesId, occurredAt: ctx.occurredAt, key: [c.sessionId, c.occurrenceKey] };
  const session = { sessionId: c.sessionId, seriesId: c.seriesId, branchId: c.branchId, occurrenceKey: c.occurrenceKey, bookedCount: booked };
  if (c.action === 'cancel') {
    return [makeEvent('session.cancelled', about, { ...session, title: c.before?.title ?? null, startsAt: c.before?.startsAt ?? null, reason: c.reason ?? null })];
  }
  if (c.action !== 'update' || !c.before || !c.after) return [];
  const fields = c.fields ?? [];
  const events: NotificationEvent[] = [];
  if (fields.includes('startsAt') || fields.includes('endsAt')) {
    events.push(
      makeEvent('session.moved', about, {
        ...session,
        title: c.after.title,
        before: { startsAt: c.before.startsAt, endsAt: c.before.endsAt },
        after: { startsAt: c.after.startsAt, endsAt: c.after.endsAt },
      }),
    );
  }
  if (fields.includes('capacity') && c.after.capacity !== null && c.after.capacity < booked) {
    events.push(makeEvent('session.capacityBelowBookings', about, { ...session, title: c.after.title, startsAt: c.after.startsAt, capacityBefore: c.before.capacity, capacityAfter: c.after.capacity }));
  }
  return events;
}

function archivedEvent(c: SeriesArchiveChange, ctx: WrittenChangesContext): NotificationEvent {
  return makeEvent(
    'series.archived',
    { runId: ctx.runId, branchId: c.branchId, seriesId: c.seriesId, occurredAt: ctx.occurredAt, key: [c.seriesId, c.version] },
    { seriesId: c.seriesId, branchId: c.branchId, title: c.series.title, endDate: c.series.endDate ?? null, reason: c.reason },
  );
}
