import { Option, type Command } from 'commander';
import { MAX_LISTED_RUNS, outputOption, positiveIntegerArg } from '../option-values.js';
import { listRuns } from '../../store/runs.js';
import { renderRuns, runToJson } from '../../core/render/runs.js';
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
          if (opts.output === 'json') ctx.write(JSON.stringify(runs.map(runToJson), null, 2) + '\n');
          else ctx.write(renderRuns(runs));
          return ExitCode.OK;
        } finally {
          await db.close();
        }
      }),
    );
}
