// Room and instructor double-bookings among a branch's future scheduled
// sessions: warned about in the plan, never blocking (a person may have meant it).
import type { PlanWarning } from './plan-types.js';
import type { DesiredSession } from './types.js';

type Resource = 'roomId' | 'instructorId';

export function findDoubleBookings(branchId: string, sessions: DesiredSession[]): PlanWarning[] {
  return [...overlapsBy('roomId', branchId, sessions), ...overlapsBy('instructorId', branchId, sessions)];
}

function overlapsBy(resource: Resource, branchId: string, sessions: DesiredSession[]): PlanWarning[] {
  const byResource = new Map<string, DesiredSession[]>();
  for (const s of sessions) {
    const id = s[resource];
    if (id === null) continue;
    const list = byResource.get(id);
    if (list) list.push(s);
    else byResource.set(id, [s]);
  }
  const warnings: PlanWarning[] = [];
  for (const [id, list] of [...byResource].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    list.sort((a, b) => a.startsAt - b.startsAt || (a.seriesId < b.seriesId ? -1 : 1));
    // Sweep: compare each session with the one that ends last among those before it.
    let latest: DesiredSession | undefined;
    for (const s of list) {
      if (latest !== undefined && s.startsAt < latest.endsAt && s.seriesId !== latest.seriesId) {
        const what = resource === 'roomId' ? 'Room' : 'Instructor';
        warnings.push({
          code: resource === 'roomId' ? 'ROOM_DOUBLE_BOOKED' : 'INSTRUCTOR_DOUBLE_BOOKED',
          branchId,
          message: `${what} "${id}" is booked twice on ${s.occurrenceKey}: series "${latest.seriesId}" (${latest.occurrenceKey}) overlaps series "${s.seriesId}"; change one series' time, room or instructor if this is not intended.`,
          details: {
            [resource]: id,
            first: { seriesId: latest.seriesId, occurrenceKey: latest.occurrenceKey, startsAt: new Date(latest.startsAt).toISOString() },
            second: { seriesId: s.seriesId, occurrenceKey: s.occurrenceKey, startsAt: new Date(s.startsAt).toISOString() },
          },
        });
      }
      if (latest === undefined || s.endsAt > latest.endsAt) latest = s;
    }
  }
  return warnings;
}
