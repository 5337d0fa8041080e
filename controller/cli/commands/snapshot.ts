// `classctl snapshot [--output text|json]`: the whole state, stably sorted.
// JSON is the documented snapshot shape (diff two of them to see what a run changed); text is
// the same content as readable tables.
import type { Command } from 'commander';
import { outputOption } from '../option-values.js';
import { takeSnapshot, type Snapshot } from '../../store/snapshot.js';
import { withDatabase } from '../../store/with-database.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd() + '\n';
  return line(headers) + rows.map(line).join('');
}

const localFormats = new Map<string, Intl.DateTimeFormat>();

/** 'Mon 09:00' in the session's own zone: the wall-clock time a member sees. */
function localTime(iso: string, timeZone: string): string {
  let f = localFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    localFormats.set(timeZone, f);
  }
  return f.format(new Date(iso)).replace(',', '');
}

const dash = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? '-' : String(v));

export function renderSnapshotText(s: Snapshot): string {
  let out = `Branches (${s.branches.length})\n`;
  out += table(['ID', 'NAME', 'TIMEZONE'], s.branches.map((b) => [b.id, b.name, b.timezone]));
  out += `\nSeries (${s.series.length})\n`;
  out += table(
    ['ID', 'BRANCH', 'TITLE', 'RRULE', 'START', 'END', 'TIME', 'MIN', 'CAP', 'INSTRUCTOR', 'ROOM', 'EXDATES'],
    s.series.map((x) => [
      x.id, x.branchId, x.title, x.rrule, x.startDate, dash(x.endDate), x.startTime,
      dash(x.durationMinutes), dash(x.capacity), dash(x.instructorId), dash(x.roomId), x.exdates.join(',') || '-',
    ]),
  );
  out += `\nSessions (${s.sessions.length})\n`;
  out += table(
    ['SERIES', 'DATE', 'LOCAL', 'STARTS (UTC)', 'ENDS (UTC)', 'STATUS', 'BOOKED', 'CAP', 'DETACHED', 'UPDATED (UTC)'],
    s.sessions.map((x) => [
      x.seriesId, x.occurrenceKey, localTime(x.startsAt, x.timezone), x.startsAt, x.endsAt, x.status,
      String(x.bookedCount), dash(x.capacity), x.detached ? 'yes' : 'no', x.updatedAt,
    ]),
  );
  out += `\nArchived series (${s.archivedSeries.length})\n`;
  out += table(
    ['ID', 'DELETED (UTC)', 'RUN', 'BRANCH', 'TITLE', 'END'],
    s.archivedSeries.map((a) => [a.id, a.deletedAt, dash(a.runId), dash(a.series.branchId as string), dash(a.series.title as string), dash(a.series.endDate as string)]),
  );
  return out;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('snapshot')
    .description('Print branches, series, sessions and archived series, stably sorted (json for diffs).')
    .addOption(outputOption(['text', 'json']))
    .action(
      ctx.action(async (opts: { output: string }, cmd: Command) => {
        if (opts.output !== 'text' && opts.output !== 'json') {
          ctx.io.stderr.write(`classctl: --output must be text or json, not "${opts.output}"\n`);
          return ExitCode.USAGE_OR_INVALID_CONFIG;
        }
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database }, async (db) => {
          // One consistent picture even while a run writes.
          const snapshot = await db.transaction(async (tx) => {
            await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
            return takeSnapshot(tx);
          });
          ctx.write(opts.output === 'json' ? JSON.stringify(snapshot, null, 2) + '\n' : renderSnapshotText(snapshot));
          return ExitCode.OK;
        });
      }),
    );
}
