// `classctl unarchive SERIES_ID`: bring an archived series back, guarded like every write.
import type { Command } from 'commander';
import { unarchiveSeries } from '../../runtime/unarchive.js';
import { withDatabase } from '../../store/with-database.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('unarchive <seriesId>')
    .description(
      'Bring an archived series back into class_series as it was archived; its sessions are not touched and the change is recorded in history. ' +
        'Guarded like every write (--env, CLASSCTL_ALLOW_APPLY=true on production). A series past its end date is archived again by the next run unless its end date is changed.',
    )
    .action(
      ctx.action(async (seriesId: string, _opts: unknown, cmd: Command) => {
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database }, async (db) => {
          const r = await unarchiveSeries(db, seriesId, { expectedEnv: g.env, allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY });
          ctx.logger(cmd).info({ seriesId, branchId: r.branchId, database: db.describe() }, 'series unarchived');
          ctx.write(`Series ${seriesId} (branch ${r.branchId}) is back in class_series; its sessions are unchanged.${r.row.endDate ? ` It ended on ${String(r.row.endDate)}: the next run archives it again unless its end date is changed.` : ''}\n`);
          return ExitCode.OK;
        });
      }),
    );
}
