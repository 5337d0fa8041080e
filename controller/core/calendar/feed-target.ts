// What a calendar feed shows (a branch, a room of a branch, an instructor
// across branches), its URL path and its access token. Pure.
//
// Access: the token of a feed is HMAC-SHA256(server secret, feed path),
// base64url. Nothing per feed is stored or configured: anyone who can run
// `classctl export ics --url` with the secret can hand out a feed's URL, a
// token opens exactly one feed, and rotating the secret revokes every URL at
// once. Without a secret no feed is served.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type FeedTarget =
  | { kind: 'branch'; branchId: string }
  | { kind: 'room'; branchId: string; roomId: string }
  | { kind: 'instructor'; instructorId: string };

/** The environment variable that holds the server secret feed tokens are derived from. */
export const FEED_SECRET_ENV = 'CLASSCTL_FEED_SECRET';

/** Feeds show sessions from this long before `now` (recent history stays in subscribers' calendars) onwards. */
export const FEED_PAST_DAYS = 30;

export function feedPath(target: FeedTarget): string {
  const seg = encodeURIComponent;
  switch (target.kind) {
    case 'branch':
      return `/feeds/branches/${seg(target.branchId)}.ics`;
    case 'room':
      return `/feeds/branches/${seg(target.branchId)}/rooms/${seg(target.roomId)}.ics`;
    case 'instructor':
      return `/feeds/instructors/${seg(target.instructorId)}.ics`;
  }
}

export function feedToken(secret: string, target: FeedTarget): string {
  return createHmac('sha256', secret).update(feedPath(target), 'utf8').digest('base64url');
}

/** Constant-time: a wrong token takes as long to refuse as a nearly right one. */
export function feedTokenMatches(secret: string, target: FeedTarget, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(feedToken(secret, target), 'utf8');
  const given = Buffer.from(presented, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The subscription URL of a feed under a server's base URL (`https://classes.example.com`). */
export function feedUrl(base: string, secret: string, target: FeedTarget): string {
  return `${base.replace(/\/+$/, '')}${feedPath(target)}?token=${feedToken(secret, target)}`;
}

/** "Downtown", "Downtown, room studio-1", "Instructor ana": the calendar's name in subscribers' apps. */
export function feedName(target: FeedTarget, branchName: string | undefined): string {
  switch (target.kind) {
    case 'branch':
      return `${branchName ?? target.branchId} classes`;
    case 'room':
      return `${branchName ?? target.branchId} classes, room ${target.roomId}`;
    case 'instructor':
      return `Classes of instructor ${target.instructorId}`;
  }
}
