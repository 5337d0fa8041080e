import { Option, type Command } from 'commander';
import { describeTarget, type RunTarget } from '../../core/run-target.js';
import { listRuns, type RunRecord } from '../../store/runs.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { openDatabaseFor } from '../resources.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('runs')
    .description('Recent reconcile runs from the journal: status, duration, counts, what an interrupted run left.')
    .option('--limit <n>', 'how many, newest first', '20')
    .addOption(new Option('--output <format>', 'text | json').choices(['text', 'json']).default('text'))
    .action(
      ctx.action(async (opts: { limit: string; output: string }, cmd: Command) => {
        const limit = Math.max(1, Math.min(1000, Number.parseInt(opts.limit, 10) || 20));
        const db = await openDatabaseFor(ctx.globals(cmd));
        try {
          const runs = await listRuns(db, limit);
          if (opts.output === 'json') ctx.write(JSON.stringify(runs, null, 2) + '\n');
          else ctx.write(renderRuns(runs));
          return ExitCode.OK;
        } finally {
          await db.close();
        }
      }),
    );
}

/** The target a run's journal summary records (summary.target), if it was a targeted run. */
function recordedTarget(summary: unknown): RunTarget | null {
  const t = (summary as { target?: Partial<RunTarget> } | null)?.target;
  if (!t || !Array.isArray(t.branchIds) || !Array.isArray(t.seriesIds)) return null;
  return { branchIds: t.branchIds, seriesIds: t.seriesIds };
}

export function renderRuns(runs: RunRecord[]): string {
  if (runs.length === 0) return 'No runs yet.\n';
  const rows = runs.map((r) => {
    const s = (r.summary ?? {}) as Record<string, number | undefined>;
    const duration = r.finishedAtMs === null ? '-' : `${((r.finishedAtMs - r.startedAtMs) / 1000).toFixed(1)}s`;
    const counts = `+${s.create ?? 0} ~${s.update ?? 0} -${s.delete ?? 0} !${s.cancel ?? 0} x${s.seriesDeleted ?? 0}`;
    const target = recordedTarget(r.summary);
    const notes = [target ? `targeted at ${describeTarget(target)}` : '', r.resumedAfter ? `resumes run ${r.resumedAfter}` : '', r.error ?? ''].filter(Boolean).join('; ');
    return [r.id, r.status, r.mode, new Date(r.nowMs).toISOString(), duration, counts, notes];
  });
  const header = ['RUN', 'STATUS', 'MODE', 'NOW', 'DURATION', 'CHANGES', 'NOTES'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map((r) => line(r.map(String)))].join('\n') + '\n';
}
