import { Option, type Command } from 'commander';
import { ClassctlError, ErrorCodes } from '../../core/errors.js';
import { HISTORY_COLUMNS, HISTORY_WIDTHS, historyCells, historyLine } from '../../core/render/history-text.js';
import { renderRuns, runToJson } from '../../core/render/runs.js';
import { runChanges, type BranchChanges } from '../../store/history.js';
import { findRun, listRuns } from '../../store/runs.js';
import { MAX_LISTED_RUNS, outputOption, positiveIntegerArg } from '../option-values.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { openDatabaseFor } from '../resources.js';

/** The changes `runs show` lists per branch; the rest are counted (classctl history --run N lists them all). */
const FIRST_CHANGES_PER_BRANCH = 10;

export function register(program: Command, ctx: CliContext): void {
  const runs = program
    .command('runs')
    .description('Recent reconcile runs from the journal: status, duration, counts, what an interrupted run left.')
    .addOption(new Option('--limit <n>', `how many, newest first (1 to ${MAX_LISTED_RUNS})`).argParser(positiveIntegerArg('--limit', MAX_LISTED_RUNS)).default(20))
    .addOption(outputOption(['text', 'json']))
    .action(
      ctx.action(async (opts: { limit: number; output: string }, cmd: Command) => {
        const db = await openDatabaseFor(ctx.globals(cmd));
        try {
          const runs = await listRuns(db, opts.limit);
          if (opts.output === 'json') ctx.write(JSON.stringify(runs.map(runToJson), null, 2) + '\n');
          else ctx.write(renderRuns(runs));
          return ExitCode.OK;
        } finally {
          await db.close();
        }
      }),
    );

  runs
    .command('show <run>')
    .description(`One run's changes per branch: counts by kind and the first ${FIRST_CHANGES_PER_BRANCH} changes (all of them: classctl history --run N). Read-only.`)
    .addOption(outputOption(['text', 'json']))
    .action(
      ctx.action(async (id: string, opts: { output: string }, cmd: Command) => {
        if (!/^[1-9][0-9]{0,15}$/.test(id)) throw new ClassctlError(ErrorCodes.USAGE, `"${id}" is not a run id (a positive whole number, as \`classctl runs\` lists them).`, { key: 'run' });
        // `runs --output` (the parent's option) also reaches here when written after `show`.
        const output = cmd.parent?.getOptionValueSource('output') === 'cli' ? (cmd.parent.opts() as { output: string }).output : opts.output;
        const db = await openDatabaseFor(ctx.globals(cmd));
        try {
          const run = await findRun(db, id);
          if (!run) throw new ClassctlError(ErrorCodes.NOT_FOUND, `No run ${id} in the journal; \`classctl runs\` lists the recent ones.`, { key: id });
          const branches = await runChanges(db, id, FIRST_CHANGES_PER_BRANCH);
          if (output === 'json') ctx.write(JSON.stringify({ run: runToJson(run), branches }, null, 2) + '\n');
          else ctx.write(renderRuns([run]) + '\n' + renderRunChanges(branches));
          return ExitCode.OK;
        } finally {
          await db.close();
        }
      }),
    );
}

export function renderRunChanges(branches: BranchChanges[]): string {
  if (branches.length === 0) return 'The run changed nothing.\n';
  const out: string[] = [];
  for (const b of branches) {
    const total = Object.values(b.counts).reduce((a, n) => a + (n ?? 0), 0);
    const counts = Object.entries(b.counts).map(([kind, n]) => `${kind} ${n}`).join(', ');
    out.push(`Branch ${b.branchId}: ${counts}${total > b.first.length ? ` (first ${b.first.length} of ${total} shown)` : ''}\n`);
    out.push('  ' + historyLine(HISTORY_COLUMNS, HISTORY_WIDTHS));
    for (const e of b.first) out.push('  ' + historyLine(historyCells(e), HISTORY_WIDTHS));
  }
  return out.join('');
}
