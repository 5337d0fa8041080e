// GET /feeds/branches/:branch.ics, /feeds/branches/:branch/rooms/:room.ics and
// /feeds/instructors/:instructor.ics?token=…: iCalendar feeds for calendar
// applications to subscribe to. A missing or wrong token, a server without a
// feed secret and a branch that does not exist all get the 404 of an unknown
// route, so a guess never learns whether a feed exists. A branch whose
// configuration sets feeds.public serves its branch and room feeds without a token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { feedTokenMatches, type FeedTarget } from '../../core/calendar/feed-target.js';
import { defaultFeedWindow, readFeed } from '../../runtime/calendar-feed.js';
import type { Database } from '../../store/database.js';

export interface FeedRouteDeps {
  db: Database;
  clock: () => number;
  /** CLASSCTL_FEED_SECRET; without it only public feeds are served. */
  feedSecret?: string;
  /** The branch's resolved feeds.public: its branch and room feeds need no token. */
  isPublicBranch?: (branchId: string) => Promise<boolean>;
}

const SUFFIX = '.ics';

/** The id in a last path segment `ID.ics`, or null. */
function icsName(segment: string): string | null {
  return segment.endsWith(SUFFIX) && segment.length > SUFFIX.length ? segment.slice(0, -SUFFIX.length) : null;
}

export function registerFeedRoutes(app: FastifyInstance, deps: FeedRouteDeps): void {
  /** The feed's token matches, or the feed is of a branch whose configuration made its feeds public (an instructor's feed spans branches: never). */
  async function mayRead(request: FastifyRequest, target: FeedTarget): Promise<boolean> {
    const token = (request.query as Record<string, unknown> | undefined)?.token;
    if (deps.feedSecret && feedTokenMatches(deps.feedSecret, target, token)) return true;
    return target.kind !== 'instructor' && deps.isPublicBranch !== undefined && (await deps.isPublicBranch(target.branchId));
  }

  async function serve(request: FastifyRequest, reply: FastifyReply, target: FeedTarget | null): Promise<unknown> {
    if (target === null || !(await mayRead(request, target))) return reply.callNotFound();
    const feed = await readFeed(deps.db, target, defaultFeedWindow(deps.clock()));
    if (feed === null) return reply.callNotFound();
    void reply.header('ETag', feed.etag).header('Cache-Control', 'private, no-cache');
    if (feed.lastModified) void reply.header('Last-Modified', feed.lastModified.toUTCString());
    if (etagMatches(request.headers['if-none-match'], feed.etag)) return reply.code(304).send();
    return reply.type('text/calendar; charset=utf-8').send(feed.body);
  }

  app.get<{ Params: { file: string } }>('/feeds/branches/:file', async (request, reply) => {
    const branchId = icsName(request.params.file);
    return serve(request, reply, branchId === null ? null : { kind: 'branch', branchId });
  });
  app.get<{ Params: { branch: string; file: string } }>('/feeds/branches/:branch/rooms/:file', async (request, reply) => {
    const roomId = icsName(request.params.file);
    return serve(request, reply, roomId === null ? null : { kind: 'room', branchId: request.params.branch, roomId });
  });
  app.get<{ Params: { file: string } }>('/feeds/instructors/:file', async (request, reply) => {
    const instructorId = icsName(request.params.file);
    return serve(request, reply, instructorId === null ? null : { kind: 'instructor', instructorId });
  });
}

/** If-None-Match: `*`, or a list of entity tags (weak ones compared weakly, as RFC 9110 says for GET). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
