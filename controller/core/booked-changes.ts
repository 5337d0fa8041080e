// An update that changes a booked session under its members' feet: capacity
// lowered below the bookings, the class moved in time, or another room. The
// plan flags each one, and `removal.bookedChanges` decides whether it is
// applied (warn) or the session is kept as it is (block).
import type { PlanWarning, UpdatableField } from './plan-types.js';
import type { BookedChangePolicy, DesiredSession, LocalDate, ObservedSession } from './types.js';

export type BookedChangeKind = 'capacity' | 'time' | 'room';

export interface BookedChangeItem {
  what: BookedChangeKind;
  field: 'capacity' | 'startsAt' | 'endsAt' | 'roomId';
  before: string | number | null;
  after: string | number | null;
}

/** What a BOOKED_SESSION_CHANGED warning carries in `details`. */
export interface BookedChangeDetails {
  seriesId: string;
  occurrenceKey: LocalDate;
  sessionId: string;
  bookedCount: number;
  changes: BookedChangeItem[];
  /** `updated`: the update is planned (warn); `kept`: the session is left as it is (block). */
  outcome: 'updated' | 'kept';
  setting: `removal.bookedChanges: ${BookedChangePolicy}`;
}

/**
 * The parts of an update that hurt the bookings of `observed`, or [] when it
 * has none or the update is harmless to them (an unbooked session; capacity
 * raised, or lowered but still holding everyone; a new title or instructor).
 */
export function bookedChangeItems(observed: ObservedSession, desired: DesiredSession, fields: readonly UpdatableField[]): BookedChangeItem[] {
  if (observed.bookedCount <= 0) return [];
  const items: BookedChangeItem[] = [];
  if (fields.includes('capacity') && desired.capacity !== null && desired.capacity < observed.bookedCount && (observed.capacity === null || desired.capacity < observed.capacity)) {
    items.push({ what: 'capacity', field: 'capacity', before: observed.capacity, after: desired.capacity });
  }
  for (const field of ['startsAt', 'endsAt'] as const) {
    if (fields.includes(field)) items.push({ what: 'time', field, before: new Date(observed[field]).toISOString(), after: new Date(desired[field]).toISOString() });
  }
  if (fields.includes('roomId')) items.push({ what: 'room', field: 'roomId', before: observed.roomId, after: desired.roomId });
  return items;
}

export function bookedChangeWarning(observed: ObservedSession, items: BookedChangeItem[], policy: BookedChangePolicy): PlanWarning {
  const details: BookedChangeDetails = {
    seriesId: observed.seriesId,
    occurrenceKey: observed.occurrenceKey,
    sessionId: observed.id,
    bookedCount: observed.bookedCount,
    changes: items,
    outcome: policy === 'block' ? 'kept' : 'updated',
    setting: `removal.bookedChanges: ${policy}`,
  };
  const what = items.map(describeItem).join('; ');
  const consequence =
    policy === 'block'
      ? 'The session is kept as it is (removal.bookedChanges: block): move or refund the bookings and mark the session detached, or set removal.bookedChanges: warn for this series to let the update through.'
      : 'The update is applied (removal.bookedChanges: warn): tell the booked members, or set removal.bookedChanges: block to keep booked sessions as they are.';
  return {
    code: 'BOOKED_SESSION_CHANGED',
    branchId: observed.branchId,
    message: `Session ${observed.seriesId} ${observed.occurrenceKey} has ${observed.bookedCount} booking(s) and the series now changes it: ${what}. ${consequence}`,
    details: details as unknown as Record<string, unknown>,
  };
}

function describeItem(i: BookedChangeItem): string {
  switch (i.what) {
    case 'capacity':
      return `capacity ${i.before ?? 'unset'} → ${i.after}, below the bookings`;
    case 'time':
      return `${i.field === 'startsAt' ? 'start' : 'end'} ${i.before} → ${i.after}`;
    case 'room':
      return `room ${i.before ?? 'none'} → ${i.after ?? 'none'}`;
  }
}
