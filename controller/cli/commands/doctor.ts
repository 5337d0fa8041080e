import type { Command } from 'commander';
import { outputOption } from '../option-values.js';
import { checkInvariants } from '../../store/invariants.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { openDatabaseFor, parseNow } from '../resources.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('Check the data invariants (no orphan sessions, no duplicate occurrences, no scheduled future session outside its series\' dates); exit 1 listing offending rows.')
    .option('--now <iso>', 'the instant "future" is measured from (default: now)')
    .addOption(outputOption(['text', 'json']))
    .action(
      ctx.action(async (opts: { now?: string; output: string }, cmd: Command) => {
        const db = await openDatabaseFor(ctx.globals(cmd));
        try {
          const violations = await checkInvariants(db, parseNow(opts.now));
          if (opts.output === 'json') {
            ctx.write(JSON.stringify({ ok: violations.length === 0, violations }, null, 2) + '\n');
          } else if (violations.length === 0) {
            ctx.write('OK: no orphan sessions, no duplicate occurrences, no scheduled future session outside its series window.\n');
          } else {
            for (const v of violations) {
              ctx.write(`${v.invariant}: ${v.message}\n`);
              for (const r of v.rows) ctx.write(`  ${JSON.stringify(r)}\n`);
            }
          }
          return violations.length === 0 ? ExitCode.OK : ExitCode.RUN_FAILED;
        } finally {
          await db.close();
        }
      }),
    );
}
