// Reads and renders one calendar feed, for `classctl export ics` and the
// feed routes of `classctl serve`: one read-only snapshot, a batch of
// sessions at a time, and the validators HTTP caching needs. Writes nothing.
import { createHash } from 'node:crypto';
import { FeedWriter } from '../core/calendar/feed-ics.js';
import { FEED_PAST_DAYS, feedName, type FeedTarget } from '../core/calendar/feed-target.js';
import { DAY_MS } from '../core/generation/local-date.js';
import { LATEST_INSTANT_MS } from '../core/instant-range.js';
import type { Database } from '../store/database.js';
import { branchNames, feedBatches } from '../store/feed-sessions.js';

export interface FeedWindow {
  fromMs: number;
  toMs: number;
}

export interface RenderedFeed {
  body: string;
  /** A strong validator: sha256 of the body. */
  etag: string;
  /** The latest updated_at of its sessions; null for an empty feed. */
  lastModified: Date | null;
  sessions: number;
}

/** From FEED_PAST_DAYS before `now`, with no end: whatever has been generated. */
export function defaultFeedWindow(now: number): FeedWindow {
  return { fromMs: now - FEED_PAST_DAYS * DAY_MS, toMs: LATEST_INSTANT_MS };
}

/**
 * The feed, or null when its branch does not exist (an instructor's feed
 * always exists, maybe empty). `onlyBranch` narrows an instructor's feed to
 * one branch (`export ics --instructor I --branch B`).
 */
export async function readFeed(db: Database, target: FeedTarget, window: FeedWindow, onlyBranch?: string): Promise<RenderedFeed | null> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const names = await branchNames(tx);
    const branchId = target.kind === 'instructor' ? (onlyBranch ?? null) : target.branchId;
    if (branchId !== null && !names.has(branchId)) return null;
    const name = feedName(target, branchId === null ? undefined : names.get(branchId)) + (target.kind === 'instructor' && branchId !== null ? ` at ${names.get(branchId)}` : '');
    const writer = new FeedWriter(name, names);
    const chunks: string[] = [writer.header()];
    let sessions = 0;
    let lastModified: Date | null = null;
    for await (const batch of feedBatches(tx, {
      branchId,
      roomId: target.kind === 'room' ? target.roomId : null,
      instructorId: target.kind === 'instructor' ? target.instructorId : null,
      ...window,
    })) {
      for (const s of batch) if (lastModified === null || s.updatedAt > lastModified) lastModified = s.updatedAt;
      sessions += batch.length;
      chunks.push(writer.events(batch));
    }
    chunks.push(writer.footer());
    // The body is sent with its ETag in the headers, so it is whole before it
    // is sent; what is held is its text, one string per batch, not the rows.
    const body = chunks.join('');
    const etag = `"${createHash('sha256').update(body, 'utf8').digest('base64url')}"`;
    return { body, etag, lastModified, sessions };
  });
}
