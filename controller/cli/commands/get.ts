// `classctl get sessions --branch ID [--week W | --from D --to D] …`: the
// generated schedule as a table in the branch's time zone, like `kubectl get`.
// Read-only; rows are streamed a batch at a time from one read-only snapshot.
import type { Command } from 'commander';
import { outputOption } from '../option-values.js';
import { ClassctlError, ErrorCodes } from '../../core/errors.js';
import { isValidTimeZone } from '../../core/generation/series-validation.js';
import { parseLocalDate } from '../../core/generation/local-date.js';
import { currentWeekRange, instantBounds, isoWeekRange, type LocalDateRange } from '../../core/schedule/schedule-range.js';
import { SCHEDULE_COLUMNS, SCHEDULE_WIDE_COLUMNS, scheduleCells, scheduleJson } from '../../core/render/schedule-rows.js';
import { drained } from '../../runtime/drained.js';
import { findBranch, scheduleBatches, scheduleColumnWidths, someBranchIds, type ScheduleFilter } from '../../store/schedule.js';
import { withDatabase } from '../../store/with-database.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { parseNow } from '../resources.js';

interface GetSessionsOptions {
  branch: string;
  week?: string;
  from?: string;
  to?: string;
  room?: string;
  instructor?: string;
  output: 'table' | 'wide' | 'json';
  now?: string;
}

function usage(message: string, key: string): never {
  throw new ClassctlError(ErrorCodes.USAGE, message, { key });
}

/** The local dates asked for: --week, or --from and --to, else the current week (needs the branch's zone). */
function requestedRange(o: GetSessionsOptions): LocalDateRange | null {
  if (o.week !== undefined) {
    if (o.from !== undefined || o.to !== undefined) usage('--week and --from/--to exclude each other: give a week, or a range of dates.', 'week');
    const week = isoWeekRange(o.week);
    if (!week) usage(`--week "${o.week}" is not an ISO week; write YEAR-Wnn, e.g. 2027-W10 (Monday to Sunday).`, 'week');
    return week;
  }
  if (o.from === undefined && o.to === undefined) return null;
  if (o.from === undefined || o.to === undefined) usage('--from and --to go together: give both local dates (YYYY-MM-DD, inclusive), or --week.', o.from === undefined ? 'from' : 'to');
  for (const [flag, value] of [['--from', o.from], ['--to', o.to]] as const) {
    if (parseLocalDate(value) === null) usage(`${flag} "${value}" is not a date; write YYYY-MM-DD, e.g. 2027-03-14 (a local date in the branch's zone).`, flag.slice(2));
  }
  if (o.to < o.from) usage(`--to ${o.to} is before --from ${o.from}.`, 'to');
  return { from: o.from, to: o.to };
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await drained(stream);
}

export function register(program: Command, ctx: CliContext): void {
  const get = program.command('get').description('List resources read from the database, like kubectl get: sessions.');

  get
    .command('sessions')
    .description("The sessions of a branch as a table in the branch's time zone (dates, weeks and times are local there). Read-only.")
    .requiredOption('--branch <id>', 'the branch whose sessions to list')
    .option('--week <iso-week>', 'an ISO week, Monday to Sunday in the branch\'s zone, e.g. 2027-W10 (default: the current week)')
    .option('--from <date>', 'first local date, inclusive, YYYY-MM-DD (with --to)')
    .option('--to <date>', 'last local date, inclusive, YYYY-MM-DD (with --from)')
    .option('--room <id>', 'only sessions in this room')
    .option('--instructor <id>', 'only sessions of this instructor')
    .addOption(outputOption(['table', 'wide', 'json'], { flags: '-o, --output <format>', about: 'wide adds the offset, UTC instants, occurrence key, id' }))
    .option('--now <iso>', 'the instant whose week is the default (default: now)')
    .action(
      ctx.action(async (o: GetSessionsOptions, cmd: Command) => {
        const asked = requestedRange(o);
        const now = parseNow(o.now);
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database }, async (db) =>
          // One consistent picture across the batches, even while a run writes.
          db.transaction(async (tx) => {
            await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
            const branch = await findBranch(tx, o.branch);
            if (!branch) {
              const known = await someBranchIds(tx);
              throw new ClassctlError(
                ErrorCodes.NOT_FOUND,
                `No branch "${o.branch}" in ${db.describe()}. ${known.length > 0 ? `Branches: ${known.join(', ')}${known.length === 10 ? ', …' : ''}.` : 'It has no branches: load some with `classctl load FILE --apply`.'}`,
                { key: o.branch },
              );
            }
            if (!isValidTimeZone(branch.timezone)) {
              throw new ClassctlError(ErrorCodes.BRANCH_TIMEZONE, `Branch "${branch.id}" has time zone "${branch.timezone}", which is not an IANA zone: its local dates cannot be computed. Fix branches.timezone.`, { key: branch.id });
            }
            const range = asked ?? currentWeekRange(now, branch.timezone);
            const filter: ScheduleFilter = { branchId: branch.id, ...instantBounds(range, branch.timezone), roomId: o.room, instructorId: o.instructor };
            const out = ctx.io.stdout;
            if (o.output === 'json') {
              const head = { branch: { id: branch.id, name: branch.name, timezone: branch.timezone }, from: range.from, to: range.to };
              await write(out, JSON.stringify(head).slice(0, -1) + ',"sessions":[');
              let first = true;
              for await (const batch of scheduleBatches(tx, filter)) {
                const text = batch.map((s) => JSON.stringify(scheduleJson(s, branch.timezone))).join(',\n');
                await write(out, (first ? '\n' : ',\n') + text);
                first = false;
              }
              await write(out, first ? ']}\n' : '\n]}\n');
              return ExitCode.OK;
            }
            const wide = o.output === 'wide';
            const w = await scheduleColumnWidths(tx, filter);
            if (w.rows === 0) {
              ctx.io.stderr.write(`No sessions in branch ${branch.id} from ${range.from} to ${range.to} (${branch.timezone})${o.room ? `, room ${o.room}` : ''}${o.instructor ? `, instructor ${o.instructor}` : ''}.\n`);
              return ExitCode.OK;
            }
            const headers: readonly string[] = wide ? SCHEDULE_WIDE_COLUMNS : SCHEDULE_COLUMNS;
            // DATE DAY START END SERIES TITLE ROOM INSTRUCTOR STATUS BOOKED/CAP [OFFSET STARTS ENDS OCCURRENCE DETACHED ID]
            const widths = [10, 3, 5, 5, w.series, w.title, Math.max(w.room, 1), Math.max(w.instructor, 1), 9, 10, 6, 24, 24, 10, 8, 36].map((n, i) => Math.max(n, headers[i]?.length ?? 0));
            const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n';
            await write(out, line(headers));
            for await (const batch of scheduleBatches(tx, filter)) {
              await write(out, batch.map((s) => line(scheduleCells(s, branch.timezone, wide))).join(''));
            }
            return ExitCode.OK;
          }),
        );
      }),
    );
}
