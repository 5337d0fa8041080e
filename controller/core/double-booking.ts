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
  // Only sessions of different series are a double booking: a resource that
  // one series holds alone (most of them, in a chain planned to avoid
  // clashes) needs no sorting and no sweep.
  const shared: Array<[string, DesiredSession[]]> = [];
  byResource.forEach((list, id) => {
    const first = list[0]!.seriesId;
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.seriesId !== first) {
        shared.push([id, list]);
        return;
      }
    }
  });
  const warnings: PlanWarning[] = [];
  for (const [id, list] of shared.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
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

export function isDoubleBooking(w: PlanWarning): boolean {
  return w.code === 'ROOM_DOUBLE_BOOKED' || w.code === 'INSTRUCTOR_DOUBLE_BOOKED';
}

/**
 * Double bookings known from an earlier plan of the same inputs, and the part
 * of time where they may have changed since. A warning is decided by the
 * sessions that overlap the start of its later session (`second`): so one
 * whose later session starts outside `recomputed` is still the earlier
 * plan's, and those inside are found again among sessions that cover that
 * part (with their own duration before it).
 */
export interface DoubleBookingScope {
  recorded: readonly PlanWarning[];
  /** Whether a warning whose later session starts at this instant must be found again. */
  recomputed(startsAt: number): boolean;
}

/**
 * The double bookings a full check of every session would find: the recorded
 * ones still ahead of `now` outside the recomputed part, and those `found`
 * inside it, in the order findDoubleBookings gives (rooms, then instructors;
 * by resource id; by the later session's start and series).
 */
export function mergeDoubleBookings(scope: DoubleBookingScope, found: readonly PlanWarning[], now: number): PlanWarning[] {
  const kept = scope.recorded.filter((w) => {
    const startsAt = laterStart(w);
    return startsAt > now && !scope.recomputed(startsAt);
  });
  const fresh = found.filter((w) => scope.recomputed(laterStart(w)));
  return [...kept, ...fresh].sort(compareDoubleBookings);
}

interface BookedSession {
  seriesId: string;
  startsAt: string;
}

const later = (w: PlanWarning): BookedSession => (w.details as { second: BookedSession }).second;
const laterStart = (w: PlanWarning): number => Date.parse(later(w).startsAt);
const resourceOf = (w: PlanWarning): string => String(w.details?.[w.code === 'ROOM_DOUBLE_BOOKED' ? 'roomId' : 'instructorId']);

function compareDoubleBookings(a: PlanWarning, b: PlanWarning): number {
  if (a.code !== b.code) return a.code === 'ROOM_DOUBLE_BOOKED' ? -1 : 1;
  const ra = resourceOf(a);
  const rb = resourceOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  const sa = laterStart(a);
  const sb = laterStart(b);
  if (sa !== sb) return sa - sb;
  const ia = later(a).seriesId;
  const ib = later(b).seriesId;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}
