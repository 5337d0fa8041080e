// `classctl export ics --branch ID [--room R] | --instructor I [--branch ID]
// [--from ISO --to ISO] [--out FILE] [--url BASE]`: a calendar feed as
// iCalendar text, the same document `classctl serve` publishes, or with
// --url the subscription URL of that feed. Read-only.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { FEED_SECRET_ENV, feedUrl, type FeedTarget } from '../../core/calendar/feed-target.js';
import { ClassctlError, ErrorCodes } from '../../core/errors.js';
import { readInstant } from '../../core/instant-range.js';
import { defaultFeedWindow, readFeed, type FeedWindow } from '../../runtime/calendar-feed.js';
import { withDatabase } from '../../store/with-database.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { parseNow } from '../resources.js';

interface ExportIcsOptions {
  branch?: string;
  room?: string;
  instructor?: string;
  from?: string;
  to?: string;
  out?: string;
  url?: string;
  now?: string;
}

function usage(message: string, key: string): never {
  throw new ClassctlError(ErrorCodes.USAGE, message, { key });
}

/** The feed the options name: a branch, a room of a branch, or an instructor (optionally in one branch). */
export function exportTarget(o: ExportIcsOptions): FeedTarget {
  if (o.instructor !== undefined) {
    if (o.room !== undefined) usage('--room and --instructor exclude each other: a feed is of a branch, a room of a branch, or an instructor.', 'room');
    return { kind: 'instructor', instructorId: o.instructor };
  }
  if (o.branch === undefined) usage('Name the feed: --branch ID (with --room R for one room), or --instructor I.', 'branch');
  return o.room === undefined ? { kind: 'branch', branchId: o.branch } : { kind: 'room', branchId: o.branch, roomId: o.room };
}

function exportWindow(o: ExportIcsOptions, now: number): FeedWindow {
  const window = defaultFeedWindow(now);
  for (const [flag, value] of [['from', o.from], ['to', o.to]] as const) {
    if (value === undefined) continue;
    const instant = readInstant(value);
    if (!instant.ok) usage(`--${flag} "${value}" ${instant.why}.`, flag);
    if (flag === 'from') window.fromMs = instant.ms;
    else window.toMs = instant.ms;
  }
  if (window.toMs <= window.fromMs) usage(`--to must be after --from (sessions starting from --from, inclusive, to --to, exclusive).`, 'to');
  return window;
}

export function register(program: Command, ctx: CliContext): void {
  const exp = program.command('export').description('Export data in a standard format: ics (iCalendar feeds).');
  exp
    .command('ics')
    .description(
      'A calendar feed as iCalendar (RFC 5545): the sessions of a branch, of a room of a branch, or of an instructor across branches, ' +
        `each an event in UTC with a stable UID; cancelled sessions are marked cancelled. Default: sessions from 30 days before --now on. Read-only.`,
    )
    .option('--branch <id>', 'the branch whose sessions to export (with --instructor: only that branch)')
    .option('--room <id>', 'only the sessions in this room of --branch')
    .option('--instructor <id>', 'the sessions of this instructor, across branches')
    .option('--from <iso>', 'first start instant, inclusive, e.g. 2026-12-01T00:00:00Z (default: 30 days before --now)')
    .option('--to <iso>', 'last start instant, exclusive (default: no end)')
    .option('--out <file>', 'write the feed to this file instead of stdout')
    .option('--url <base>', `print the feed's subscription URL under this server URL (token from ${FEED_SECRET_ENV}) instead of the feed`)
    .option('--now <iso>', 'the instant the default window is counted from (default: now)')
    .action(
      ctx.action(async (o: ExportIcsOptions, cmd: Command) => {
        const target = exportTarget(o);
        if (o.url !== undefined) {
          if (target.kind === 'instructor' && o.branch !== undefined) usage('A served instructor feed spans every branch: drop --branch to print its URL.', 'branch');
          const secret = ctx.io.env[FEED_SECRET_ENV];
          if (!secret) usage(`--url needs ${FEED_SECRET_ENV}, the secret the server derives feed tokens from: set it to the value \`classctl serve\` runs with.`, 'url');
          if (!/^https?:\/\//.test(o.url)) usage(`--url "${o.url}" is not an http(s) URL; give the server's public address, e.g. https://classes.example.com.`, 'url');
          ctx.io.stdout.write(feedUrl(o.url, secret, target) + '\n');
          return ExitCode.OK;
        }
        const window = exportWindow(o, parseNow(o.now));
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database }, async (db) => {
          const feed = await readFeed(db, target, window, target.kind === 'instructor' ? o.branch : undefined);
          if (feed === null) {
            throw new ClassctlError(ErrorCodes.NOT_FOUND, `No branch "${o.branch}" in ${db.describe()}.`, { key: o.branch ?? '' });
          }
          if (o.out !== undefined) {
            await writeFile(o.out, feed.body);
            ctx.io.stderr.write(`Wrote ${feed.sessions} session${feed.sessions === 1 ? '' : 's'} to ${o.out}.\n`);
          } else {
            ctx.io.stdout.write(feed.body);
          }
          return ExitCode.OK;
        });
      }),
    );
}
