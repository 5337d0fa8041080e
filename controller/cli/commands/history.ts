// `classctl history`: what runs changed, newest first, from session_events.
// Read-only; events are read a batch at a time from one read-only snapshot.
import type { Command } from 'commander';
import { ClassctlError, ErrorCodes } from '../../core/errors.js';
import { readInstant } from '../../core/instant-range.js';
import { parseLocalDate } from '../../core/generation/local-date.js';
import { HISTORY_COLUMNS, HISTORY_WIDTHS, historyCells, historyLine } from '../../core/render/history-text.js';
import { drained } from '../../runtime/drained.js';
import { historyBatches, type HistoryFilter } from '../../store/history.js';
import { withDatabase } from '../../store/with-database.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { outputOption } from '../option-values.js';

interface HistoryOptions {
  series?: string;
  session?: string;
  run?: string;
  since?: string;
  limit: string;
  output: 'text' | 'json';
}

/** The most events one command prints: history is for reading, bulk export is SQL's job. */
export const MAX_HISTORY_LIMIT = 100_000;

function usage(message: string, key: string): never {
  throw new ClassctlError(ErrorCodes.USAGE, message, { key });
}

/** A positive whole number written in decimal, or null. */
function positiveInteger(text: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** The options as a filter, or a usage error naming the option. */
export function historyFilter(o: HistoryOptions): HistoryFilter {
  const limit = positiveInteger(o.limit);
  if (limit === null || limit > MAX_HISTORY_LIMIT) usage(`--limit "${o.limit}" is not a whole number from 1 to ${MAX_HISTORY_LIMIT}.`, 'limit');
  const f: HistoryFilter = { limit };
  if (o.series !== undefined) f.seriesId = o.series;
  if (o.session !== undefined) {
    const slash = o.session.lastIndexOf('/');
    const seriesId = o.session.slice(0, slash);
    const key = o.session.slice(slash + 1);
    if (slash <= 0 || parseLocalDate(key) === null) usage(`--session "${o.session}" is not SERIES/DATE; write the series id and the session's local date, e.g. yoga/2027-03-14.`, 'session');
    if (f.seriesId !== undefined && f.seriesId !== seriesId) usage(`--session ${o.session} belongs to series "${seriesId}", not to --series "${f.seriesId}"; give one of them.`, 'session');
    f.seriesId = seriesId;
    f.occurrenceKey = key;
  }
  if (o.run !== undefined) {
    if (positiveInteger(o.run) === null) usage(`--run "${o.run}" is not a run id (a positive whole number, as \`classctl runs\` lists them).`, 'run');
    f.runId = o.run;
  }
  if (o.since !== undefined) {
    const since = readInstant(o.since);
    if (!since.ok) usage(`--since "${o.since}" ${since.why}.`, 'since');
    f.sinceMs = since.ms;
  }
  return f;
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await drained(stream);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('history')
    .description(
      'What runs changed, newest first: every create, update (fields before and after), delete, cancel, archive and unarchive, with its reason. Read-only.',
    )
    .option('--series <id>', 'only this series (its sessions and the series itself)')
    .option('--session <series/date>', "only one session: its series id and local date, e.g. yoga/2027-03-14")
    .option('--run <n>', 'only the changes of this run')
    .option('--since <iso>', 'only changes at or after this instant, e.g. 2027-03-01T00:00:00Z')
    .option('--limit <n>', `at most this many events (1 to ${MAX_HISTORY_LIMIT})`, '100')
    .addOption(outputOption(['text', 'json']))
    .action(
      ctx.action(async (o: HistoryOptions, cmd: Command) => {
        const filter = historyFilter(o);
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database }, async (db) =>
          db.transaction(async (tx) => {
            await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
            const out = ctx.io.stdout;
            let first = true;
            if (o.output === 'json') {
              await write(out, '{"events":[');
              for await (const batch of historyBatches(tx, filter)) {
                await write(out, (first ? '\n' : ',\n') + batch.map((e) => JSON.stringify(e)).join(',\n'));
                first = false;
              }
              await write(out, first ? ']}\n' : '\n]}\n');
              return ExitCode.OK;
            }
            for await (const batch of historyBatches(tx, filter)) {
              if (first) await write(out, historyLine(HISTORY_COLUMNS, HISTORY_WIDTHS));
              first = false;
              await write(out, batch.map((e) => historyLine(historyCells(e), HISTORY_WIDTHS)).join(''));
            }
            if (first) ctx.io.stderr.write('No recorded changes match.\n');
            return ExitCode.OK;
          }),
        );
      }),
    );
}
