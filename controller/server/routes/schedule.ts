// GET /api/schedule: a branch's sessions over some local days, for the
// console's week calendar — each session with its local times in the
// branch's zone and the sessions it is double-booked with, each day with its
// DST change and closures. Read-only, one consistent snapshot, bounded.
import type { FastifyInstance } from 'fastify';
import type { ConfigSet } from '../../core/config/config-set.js';
import { addDays, localDateAt, parseLocalDate } from '../../core/generation/local-date.js';
import { isValidTimeZone } from '../../core/generation/zone-offsets.js';
import { localClock, type ScheduleSession } from '../../core/render/schedule-rows.js';
import { createConflictSweep, type ScheduleConflict } from '../../core/schedule/schedule-conflicts.js';
import { scheduleDays } from '../../core/schedule/schedule-days.js';
import { instantBounds } from '../../core/schedule/schedule-range.js';
import type { Database } from '../../store/database.js';
import { findBranch, scheduleBatches, someBranchIds } from '../../store/schedule.js';
import { HttpError, HttpErrorCodes } from '../http-errors.js';
import { ID, LOCAL_DATE, listOf, repeatable } from '../query-schemas.js';

export const MAX_SCHEDULE_DAYS = 31;
/** Sessions per response: a month of a large branch; `truncated` says when there were more. */
export const MAX_SCHEDULE_SESSIONS = 5000;
/**
 * Sessions read to find double bookings, filtered out or not: a filter that
 * shows a few sessions of a huge branch still stops here (and says truncated).
 */
export const MAX_SCANNED_SESSIONS = 100_000;
/** Rooms, and instructors, listed for the range. */
const MAX_LISTED_RESOURCES = 500;
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const FIRST_DATE = '1900-01-02';
const LAST_DATE = '9999-12-30';
/** How far before the first day sessions are read, so one that started the evening before still counts as a double booking. */
const LOOKBACK_MS = 24 * 3_600_000;

const querystring = {
  type: 'object',
  additionalProperties: false,
  required: ['branch'],
  properties: {
    branch: ID,
    from: { type: 'string', pattern: LOCAL_DATE },
    days: { type: 'integer', minimum: 1, maximum: MAX_SCHEDULE_DAYS, default: 7 },
    room: repeatable(100),
    instructor: repeatable(100),
    limit: { type: 'integer', minimum: 1, maximum: MAX_SCHEDULE_SESSIONS, default: MAX_SCHEDULE_SESSIONS },
  },
} as const;

interface ScheduleQuery {
  branch: string;
  from?: string;
  days: number;
  room?: string | string[];
  instructor?: string | string[];
  limit: number;
}

export interface ScheduleSessionJson {
  id: string;
  seriesId: string;
  occurrenceKey: string;
  title: string;
  /** ISO instants, UTC. */
  start: string;
  end: string;
  /** The start's local date and the wall-clock times in the branch's zone. */
  localDate: string;
  localStart: string;
  localEnd: string;
  /** The end's local date: the next day for a class past midnight. */
  localEndDate: string;
  room: string | null;
  instructor: string | null;
  capacity: number | null;
  booked: number;
  status: string;
  detached: boolean;
  conflicts: ScheduleConflict[];
}

function sessionJson(s: ScheduleSession, timezone: string, conflicts: ScheduleConflict[]): ScheduleSessionJson {
  const start = localClock(s.startsAt.getTime(), timezone);
  const end = localClock(s.endsAt.getTime(), timezone);
  return {
    id: s.id,
    seriesId: s.seriesId,
    occurrenceKey: s.occurrenceKey,
    title: s.title,
    start: s.startsAt.toISOString(),
    end: s.endsAt.toISOString(),
    localDate: start.date,
    localStart: start.time,
    localEnd: end.time,
    localEndDate: end.date,
    room: s.roomId,
    instructor: s.instructorId,
    capacity: s.capacity,
    booked: s.bookedCount,
    status: s.status,
    detached: s.detached,
    conflicts,
  };
}

export function registerScheduleRoute(app: FastifyInstance, deps: { db: Database; loadConfig: () => Promise<ConfigSet>; clock: () => number }): void {
  app.get<{ Querystring: ScheduleQuery }>('/api/schedule', { schema: { querystring } }, async (request) => {
    const q = request.query;
    if (q.from !== undefined && parseLocalDate(q.from) === null) {
      throw new HttpError(400, HttpErrorCodes.INVALID_REQUEST, `Invalid request: from "${q.from}" is not a calendar date; write YYYY-MM-DD (a local date in the branch's zone).`);
    }
    // The years classctl plans for (as every instant it takes): the zone tables and the database end there.
    if (q.from !== undefined && (q.from < FIRST_DATE || parseLocalDate(q.from)! + q.days > parseLocalDate(LAST_DATE)!)) {
      throw new HttpError(400, HttpErrorCodes.INVALID_REQUEST, `Invalid request: from "${q.from}" and days ${q.days} reach outside the years 1900 to 9999 that classctl plans for.`);
    }
    const roomFilter = new Set(listOf(q.room));
    const instructorFilter = new Set(listOf(q.instructor));
    const shown = (s: ScheduleSession): boolean =>
      (roomFilter.size === 0 || (s.roomId !== null && roomFilter.has(s.roomId))) &&
      (instructorFilter.size === 0 || (s.instructorId !== null && instructorFilter.has(s.instructorId)));
    const config = await deps.loadConfig();

    return deps.db.transaction(async (tx) => {
      // One consistent picture across the batches, even while a run writes.
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const branch = await findBranch(tx, q.branch);
      if (!branch) {
        const known = await someBranchIds(tx);
        throw new HttpError(404, HttpErrorCodes.BRANCH_NOT_FOUND, `No branch "${q.branch}". ${known.length > 0 ? `Branches: ${known.join(', ')}${known.length === 10 ? ', …' : ''}.` : 'The database has no branches yet.'}`, { key: q.branch });
      }
      const timezone = branch.timezone;
      if (!isValidTimeZone(timezone)) {
        throw new HttpError(422, HttpErrorCodes.BRANCH_TIMEZONE, `Branch "${branch.id}" has time zone "${timezone}", which is not an IANA zone: its local dates cannot be computed. Fix branches.timezone.`, { key: branch.id });
      }
      const from = q.from ?? localDateAt(deps.clock(), timezone);
      const to = addDays(from, q.days);
      const { fromMs, toMs } = instantBounds({ from, to: addDays(to, -1) }, timezone);
      const resolved = config.resolve(branch.id);

      const sweep = createConflictSweep();
      // Every room and instructor of the range's sessions, filtered out or not: the filters to offer for it.
      const rooms = new Set<string>();
      const instructors = new Set<string>();
      const listed: ScheduleSession[] = [];
      let truncated = false;
      let scanned = 0;
      // Once the listing is full, sessions are read on only while they can still overlap a listed one.
      let listedEndMs = -Infinity;
      read: for await (const batch of scheduleBatches(tx, { branchId: branch.id, fromMs: fromMs - LOOKBACK_MS, toMs })) {
        for (const s of batch) {
          const startMs = s.startsAt.getTime();
          if (truncated && startMs >= listedEndMs) break read;
          if (++scanned > MAX_SCANNED_SESSIONS) {
            truncated = true;
            break read;
          }
          sweep.add({ id: s.id, seriesId: s.seriesId, startMs, endMs: s.endsAt.getTime(), roomId: s.roomId, instructorId: s.instructorId, status: s.status });
          if (startMs < fromMs) continue;
          if (s.roomId && rooms.size < MAX_LISTED_RESOURCES) rooms.add(s.roomId);
          if (s.instructorId && instructors.size < MAX_LISTED_RESOURCES) instructors.add(s.instructorId);
          if (!shown(s)) continue;
          if (listed.length >= q.limit) {
            truncated = true;
            continue;
          }
          listed.push(s);
          listedEndMs = Math.max(listedEndMs, s.endsAt.getTime());
        }
      }
      return {
        branch: { id: branch.id, name: branch.name ?? branch.id, timeZone: timezone },
        from,
        to,
        days: scheduleDays(from, q.days, timezone, resolved.ok ? resolved.settings.closures : null),
        // Without resolved settings the closures are unknown, not absent.
        closuresKnown: resolved.ok,
        sessions: listed.map((s) => sessionJson(s, timezone, sweep.conflictsOf(s.id))),
        rooms: [...rooms].sort(byCodePoint),
        instructors: [...instructors].sort(byCodePoint),
        truncated,
        limit: q.limit,
      };
    });
  });
}
