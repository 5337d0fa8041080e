// One calendar feed as iCalendar text (RFC 5545), written with ical-generator.
// Pure: sessions and names in, text out.
//
// Times are UTC (DTSTART:20261224T170000Z): every session is an exact instant
// already, so a UTC time cannot be misread, and a feed carries no VTIMEZONE
// whose rules could go stale; calendar applications show each event in their
// user's zone.
import ical, { ICalEventStatus, type ICalCalendar } from 'ical-generator';

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

const END = 'END:VCALENDAR';

/**
 * Writes one feed a batch of sessions at a time: `header()`, then
 * `events(batch)` for each batch, then `footer()`. Each batch goes through
 * ical-generator (escaping, line folding) and is dropped once written, so a
 * feed never holds more than one batch of events.
 */
export class FeedWriter {
  private readonly calendar: ICalCalendar;
  private readonly head: string;

  constructor(
    name: string,
    private readonly branchNames: ReadonlyMap<string, string>,
  ) {
    this.calendar = ical({ prodId: { company: 'classctl', product: 'class-series-controller', language: 'EN' }, name, ttl: FEED_REFRESH_SECONDS });
    // The calendar's own lines, before its first event: ical-generator writes
    // properties, then events, then END:VCALENDAR.
    this.head = this.calendar.toString().slice(0, -END.length);
  }

  header(): string {
    return this.head;
  }

  events(batch: Iterable<FeedSession>): string {
    for (const s of batch) this.add(s);
    const text = this.calendar.toString();
    this.calendar.clear();
    return text.slice(this.head.length, -END.length);
  }

  /** RFC 5545 ends every content line with CRLF, the last one included. */
  footer(): string {
    return `${END}\r\n`;
  }

  private add(s: FeedSession): void {
    const branch = this.branchNames.get(s.branchId) ?? s.branchId;
    const description = [s.instructorId ? `Instructor: ${s.instructorId}` : null, `Branch: ${branch}`, `Series: ${s.seriesId}`].filter((l) => l !== null).join('\n');
    this.calendar.createEvent({
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
}

/** A whole feed at once (small feeds, tests). */
export function renderFeed(name: string, sessions: Iterable<FeedSession>, branchNames: ReadonlyMap<string, string>): string {
  const writer = new FeedWriter(name, branchNames);
  return writer.header() + writer.events(sessions) + writer.footer();
}
