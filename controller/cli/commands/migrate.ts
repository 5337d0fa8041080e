// `classctl migrate`: apply the schema migrations the database lacks.
import type { Command } from 'commander';
import { migrate } from '../../store/migrate.js';
import { withDatabase } from '../../store/with-database.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('Apply pending schema migrations (forward-only; safe to run from several processes at once).')
    .action(
      ctx.action(async (_opts: unknown, cmd: Command) => {
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database, migrate: false, requireSchema: false }, async (db) => {
          const { applied } = await migrate(db);
          ctx.logger(cmd).info({ database: db.describe(), applied }, 'migrations applied');
          if (applied.length === 0) {
            ctx.write(`${db.describe()}: the schema is up to date.\n`);
          } else {
            for (const name of applied) ctx.write(`Applied ${name}\n`);
            ctx.write(`${db.describe()}: ${applied.length} migration${applied.length > 1 ? 's' : ''} applied.\n`);
          }
          return ExitCode.OK;
        });
      }),
    );
}
