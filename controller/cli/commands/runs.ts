import { Option, type Command } from 'commander';
import { MAX_LISTED_RUNS, outputOption, positiveIntegerArg } from '../option-values.js';
import { listRuns, type RunRecord } from '../../store/runs.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { openDatabaseFor } from '../resources.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('runs')
    .description('Recent reconcile runs from the journal: status, duration, counts, what an interrupted run left.')
    .addOption(new Option('--limit <n>', `how many, newest first (1 to ${MAX_LISTED_RUNS})`).argParser(positiveIntegerArg('--limit', MAX_LISTED_RUNS)).default(20))
    .addOption(outputOption(['text', 'json']))
    .action(
      ctx.action(async (opts: { limit: number; output: string }, cmd: Command) => {
        const db = await openDatabaseFor(ctx.globals(cmd));
        try {
          const runs = await listRuns(db, opts.limit);
          if (opts.output === 'json') ctx.write(JSON.stringify(runs, null, 2) + '\n');
          else ctx.write(renderRuns(runs));
          return ExitCode.OK;
        } finally {
          await db.close();
        }
      }),
    );
}

export function renderRuns(runs: RunRecord[]): string {
  if (runs.length === 0) return 'No runs yet.\n';
  const rows = runs.map((r) => {
    const s = (r.summary ?? {}) as Record<string, number | undefined>;
    const duration = r.finishedAtMs === null ? '-' : `${((r.finishedAtMs - r.startedAtMs) / 1000).toFixed(1)}s`;
    const counts = `+${s.create ?? 0} ~${s.update ?? 0} -${s.delete ?? 0} !${s.cancel ?? 0} x${s.seriesDeleted ?? 0}`;
    const notes = [r.resumedAfter ? `resumes run ${r.resumedAfter}` : '', r.error ?? ''].filter(Boolean).join('; ');
    return [r.id, r.status, r.mode, new Date(r.nowMs).toISOString(), duration, counts, notes];
  });
  const header = ['RUN', 'STATUS', 'MODE', 'NOW', 'DURATION', 'CHANGES', 'NOTES'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map((r) => line(r.map(String)))].join('\n') + '\n';
}
