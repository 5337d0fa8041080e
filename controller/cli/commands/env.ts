// `classctl env set NAME` / `classctl env show`: the environment the database
// is stamped with, which `reconcile --apply` checks (DESIGN §5).
import type { Command } from 'commander';
import { ENVIRONMENT_SETTING, getSetting, setSetting } from '../../store/settings.js';
import { withDatabase } from '../../store/with-database.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

/** Environment names are short words: they are typed in --env and CLASSCTL_ENV. */
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function register(program: Command, ctx: CliContext): void {
  const env = program.command('env').description('The environment this database belongs to (production, staging, …), checked before every apply.');

  env
    .command('set <name>')
    .description('Stamp the database with its environment name.')
    .action(
      ctx.action(async (name: string, _opts: unknown, cmd: Command) => {
        if (!ENVIRONMENT_NAME.test(name)) {
          ctx.io.stderr.write(`classctl: environment name "${name}" is not valid; use letters, digits, ".", "_" or "-" (e.g. production, staging).\n`);
          return ExitCode.USAGE_OR_INVALID_CONFIG;
        }
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database }, async (db) => {
          const previous = await getSetting(db, ENVIRONMENT_SETTING);
          await setSetting(db, ENVIRONMENT_SETTING, name);
          ctx.logger(cmd).info({ database: db.describe(), environment: name, previous }, 'environment set');
          const was = previous === null ? 'not set before' : previous === name ? 'unchanged' : `was ${previous}`;
          ctx.write(`${db.describe()}: environment ${name} (${was}).\n`);
          return ExitCode.OK;
        });
      }),
    );

  env
    .command('show')
    .description('Print the environment the database is stamped with.')
    .action(
      ctx.action(async (_opts: unknown, cmd: Command) => {
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database }, async (db) => {
          const value = await getSetting(db, ENVIRONMENT_SETTING);
          ctx.write(
            value === null
              ? `${db.describe()}: no environment set (stamp it with \`classctl env set NAME\`).\n`
              : `${db.describe()}: environment ${value}\n`,
          );
          return ExitCode.OK;
        });
      }),
    );
}
