// One calendar feed as iCalendar text (RFC 5545), written with ical-generator.
// Pure: sessions and names in, text out.
//
// Times are UTC (DTSTART:20261224T170000Z): every session is an exact instant
// already, so a UTC time cannot be misread, and a feed carries no VTIMEZONE
// whose rules could go stale; calendar applications show each event in their
// user's zone.
import ical, { ICalEventStatus } from 'ical-generator';

export interface FeedSession {
  seriesId: string;
  occurrenceKey: string;
  branchId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  roomId: string | null;
  instructorId: string | null;
  status: string;
  /** Bumped by the database at every change a calendar shows: the event's SEQUENCE. */
  revision: number;
  updatedAt: Date;
}

/** UID: the session's identity for its whole life, whatever changes in it. */
export function sessionUid(s: Pick<FeedSession, 'seriesId' | 'occurrenceKey'>): string {
  return `${s.seriesId}/${s.occurrenceKey}@classctl`;
}

/** Re-read by subscribers at least this often (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
export const FEED_REFRESH_SECONDS = 3600;

export function renderFeed(name: string, sessions: Iterable<FeedSession>, branchNames: ReadonlyMap<string, string>): string {
  const calendar = ical({ prodId: { company: 'classctl', product: 'class-series-controller', language: 'EN' }, name, ttl: FEED_REFRESH_SECONDS });
  for (const s of sessions) {
    const branch = branchNames.get(s.branchId) ?? s.branchId;
    const description = [s.instructorId ? `Instructor: ${s.instructorId}` : null, `Branch: ${branch}`, `Series: ${s.seriesId}`].filter((l) => l !== null).join('\n');
    calendar.createEvent({
      id: sessionUid(s),
      sequence: s.revision,
      start: s.startsAt,
      end: s.endsAt,
      summary: s.status === 'cancelled' ? `Cancelled: ${s.title}` : s.title,
      location: s.roomId ? `${s.roomId}, ${branch}` : branch,
      description,
      status: s.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      // Without a METHOD, DTSTAMP is when the event was last revised in the
      // store (RFC 5545 3.8.7.2): the feed's text then depends only on the
      // data, and its ETag changes only when a session does.
      stamp: s.updatedAt,
      lastModified: s.updatedAt,
    });
  }
  return calendar.toString();
}
