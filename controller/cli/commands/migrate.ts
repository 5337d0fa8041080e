// `classctl migrate`: apply the schema migrations the database lacks. On a
// database that is already stamped with an environment it passes the same
// guards as every other write (a fresh database has no stamp to check).
import type { Command } from 'commander';
import { checkApplyGuards, ENVIRONMENT_SETTING } from '../../runtime/guards.js';
import type { Database } from '../../store/database.js';
import { migrate } from '../../store/migrate.js';
import { withDatabase } from '../../store/with-database.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('Apply pending schema migrations (forward-only; safe to run from several processes at once). A stamped database needs the write guards passed.')
    .action(
      ctx.action(async (_opts: unknown, cmd: Command) => {
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database, migrate: false, requireSchema: false }, async (db) => {
          if (await isStamped(db)) await checkApplyGuards(db, { expectedEnv: g.env, allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY, action: 'migrate' });
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

/** A database with an environment stamp (before the first migration there is no settings table, hence no stamp). */
async function isStamped(db: Database): Promise<boolean> {
  const rows = await db.query<{ present: boolean }>(`SELECT to_regclass('controller_settings') IS NOT NULL AS present`);
  if (!rows[0]?.present) return false;
  const stamp = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM controller_settings WHERE key = $1`, [ENVIRONMENT_SETTING]);
  return stamp[0]!.n > 0;
}
