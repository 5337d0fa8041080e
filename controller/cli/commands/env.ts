// `classctl env set NAME` / `classctl env show`: the environment the database
// is stamped with, which every write checks. Changing an existing stamp is a
// write like any other: it passes the same guards, so a production stamp
// cannot be lifted without CLASSCTL_ALLOW_APPLY=true.
import type { Command } from 'commander';
import { checkApplyGuards } from '../../runtime/guards.js';
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
    .description('Stamp the database with its environment name; changing a stamp passes the write guards (CLASSCTL_ALLOW_APPLY=true for production).')
    .action(
      ctx.action(async (name: string, _opts: unknown, cmd: Command) => {
        if (!ENVIRONMENT_NAME.test(name)) {
          ctx.io.stderr.write(`classctl: environment name "${name}" is not valid; use letters, digits, ".", "_" or "-" (e.g. production, staging).\n`);
          return ExitCode.USAGE_OR_INVALID_CONFIG;
        }
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database }, async (db) => {
          const previous = await getSetting(db, ENVIRONMENT_SETTING);
          if (previous === name) {
            ctx.write(`${db.describe()}: environment ${name} (unchanged).\n`);
            return ExitCode.OK;
          }
          // The first stamp is free; changing one is guarded like an apply (and refused when --env names another environment).
          if (previous !== null) {
            await checkApplyGuards(db, { expectedEnv: g.env, allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY, action: `change the environment stamp from "${previous}" to "${name}"` });
          }
          await setSetting(db, ENVIRONMENT_SETTING, name);
          ctx.logger(cmd).info({ database: db.describe(), environment: name, previous }, 'environment set');
          const was = previous === null ? 'not set before' : `was ${previous}`;
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
