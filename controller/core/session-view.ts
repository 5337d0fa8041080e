import type { SessionView, UpdatableField } from './plan-types.js';
import type { DesiredSession, ObservedSession, SessionFields, SessionStatus } from './types.js';

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

export function sessionView(s: SessionFields, status: SessionStatus): SessionView {
  return {
    title: s.title,
    startsAt: isoInstant(s.startsAt),
    endsAt: isoInstant(s.endsAt),
    timezone: s.timezone,
    instructorId: s.instructorId,
    roomId: s.roomId,
    capacity: s.capacity,
    status,
  };
}

const COMPARED: Array<Exclude<UpdatableField, 'status'>> = [
  'title',
  'startsAt',
  'endsAt',
  'timezone',
  'instructorId',
  'roomId',
  'capacity',
];

/**
 * The fields an update must write to turn `observed` into `desired`, in a
 * fixed order. A cancelled session that is desired again is rescheduled, so
 * `status` is part of the update.
 */
export function changedFields(observed: ObservedSession, desired: DesiredSession): UpdatableField[] {
  const fields: UpdatableField[] = [];
  for (const f of COMPARED) {
    if (observed[f] !== desired[f]) fields.push(f);
  }
  if (observed.status !== 'scheduled') fields.push('status');
  return fields;
}
