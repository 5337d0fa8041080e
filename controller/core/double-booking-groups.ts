// Double bookings as a reader wants them: two weekly series in one room
// overlap on every date they share, and a line per date would bury the plan.
// The plan (and its JSON) keeps one warning per date; the text groups them
// into one line per resource and pair of series, with the count of dates and
// the first one.
import type { PlanWarning } from './plan-types.js';

interface BookedSession {
  seriesId: string;
  occurrenceKey: string;
  startsAt: string;
}

export interface DoubleBookingGroup {
  code: 'ROOM_DOUBLE_BOOKED' | 'INSTRUCTOR_DOUBLE_BOOKED';
  branchId: string | undefined;
  /** The room or instructor id. */
  resourceId: string;
  /** The two series, in the order their sessions first met (earlier first). */
  seriesIds: [string, string];
  /** Distinct dates (of the later session of each overlap) on which they overlap. */
  dates: number;
  /** The earliest of those dates. */
  firstDate: string;
}

/**
 * One group per branch, resource and pair of series (in either order), in the
 * order of the warnings' first appearance. Warnings of other codes are ignored.
 */
export function groupDoubleBookings(warnings: readonly PlanWarning[]): DoubleBookingGroup[] {
  const groups = new Map<string, DoubleBookingGroup & { dateSet: Set<string> }>();
  for (const w of warnings) {
    if (w.code !== 'ROOM_DOUBLE_BOOKED' && w.code !== 'INSTRUCTOR_DOUBLE_BOOKED') continue;
    const d = (w.details ?? {}) as { roomId?: string; instructorId?: string; first?: BookedSession; second?: BookedSession };
    if (!d.first || !d.second) continue;
    const resourceId = String(w.code === 'ROOM_DOUBLE_BOOKED' ? d.roomId : d.instructorId);
    const pair = [d.first.seriesId, d.second.seriesId].sort();
    const key = [w.code, w.branchId ?? '', resourceId, ...pair].join('\u0000');
    const date = d.second.occurrenceKey;
    let g = groups.get(key);
    if (!g) {
      g = { code: w.code, branchId: w.branchId, resourceId, seriesIds: [d.first.seriesId, d.second.seriesId], dates: 0, firstDate: date, dateSet: new Set() };
      groups.set(key, g);
    }
    g.dateSet.add(date);
    g.dates = g.dateSet.size;
    if (date < g.firstDate) g.firstDate = date;
  }
  return [...groups.values()].map(({ dateSet: _dates, ...g }) => g);
}

/** The text line of a group, e.g. `Room "studio-a" is booked twice on 12 dates from 2026-12-07: …`. */
export function describeDoubleBookingGroup(g: DoubleBookingGroup): string {
  const what = g.code === 'ROOM_DOUBLE_BOOKED' ? 'Room' : 'Instructor';
  const when = g.dates === 1 ? `on ${g.firstDate}` : `on ${g.dates} dates, the first ${g.firstDate}`;
  const where = g.branchId ? ` (branch ${g.branchId})` : '';
  return `${what} "${g.resourceId}"${where} is booked twice ${when}: series "${g.seriesIds[0]}" overlaps series "${g.seriesIds[1]}"; change one series' time, room or instructor if this is not intended.`;
}
