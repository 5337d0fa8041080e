// Double bookings among stored sessions, as a schedule view shows them: two
// sessions (not cancelled) that overlap in time in the same room or with the
// same instructor. Sessions arrive in start order and are swept once: each
// resource keeps only the sessions still running at the latest start, so the
// cost follows the overlaps, not the square of the sessions.

export interface SweptSession {
  id: string;
  seriesId: string;
  startMs: number;
  endMs: number;
  roomId: string | null;
  instructorId: string | null;
  status: string;
}

export interface ScheduleConflict {
  kind: 'room' | 'instructor';
  /** The other session. */
  sessionId: string;
  seriesId: string;
}

/** A session overlapping dozens of others is listed with the first few: the view marks it either way. */
export const MAX_CONFLICTS_PER_SESSION = 20;

export interface ConflictSweep {
  /** Adds the next session (start order) and records its overlaps on both sides. */
  add(s: SweptSession): void;
  /** The overlaps recorded for a session so far (empty when none). */
  conflictsOf(sessionId: string): ScheduleConflict[];
}

export function createConflictSweep(): ConflictSweep {
  const running = new Map<string, SweptSession[]>();
  const found = new Map<string, ScheduleConflict[]>();
  let lastStart = -Infinity;

  const record = (on: SweptSession, other: SweptSession, kind: ScheduleConflict['kind']): void => {
    let list = found.get(on.id);
    if (!list) found.set(on.id, (list = []));
    if (list.length < MAX_CONFLICTS_PER_SESSION) list.push({ kind, sessionId: other.id, seriesId: other.seriesId });
  };

  const sweep = (kind: ScheduleConflict['kind'], resource: string | null, s: SweptSession): void => {
    if (resource === null || resource === '') return;
    const key = `${kind}\u0000${resource}`;
    const before = running.get(key) ?? [];
    const still = before.filter((a) => a.endMs > s.startMs);
    for (const a of still) {
      record(a, s, kind);
      record(s, a, kind);
    }
    still.push(s);
    running.set(key, still);
  };

  return {
    add(s) {
      if (s.startMs < lastStart) throw new RangeError('sessions must be added in start order');
      lastStart = s.startMs;
      if (s.status === 'cancelled' || !(s.endMs > s.startMs)) return;
      sweep('room', s.roomId, s);
      sweep('instructor', s.instructorId, s);
    },
    conflictsOf(sessionId) {
      return found.get(sessionId) ?? [];
    },
  };
}
