// `classctl simulate`: what a cron schedule would do over a period, applied
// tick by tick at simulated instants (e.g. every hour across a DST change).
// The ticks write to a scratch copy of the database, which is dropped at the
// end: the database itself is left exactly as it was. With --apply they
// write to the database itself, behind the same guards as any apply.
import type { Command } from 'commander';
import { ClassctlError } from '../../core/errors.js';
import { ENVIRONMENT_SETTING } from '../../runtime/guards.js';
import { discardBranches } from '../../runtime/branch-sink.js';
import { reconcile } from '../../runtime/reconcile.js';
import type { Database } from '../../store/database.js';
import { getSetting } from '../../store/settings.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { loadConfigSet, openDatabaseFor } from '../resources.js';
import { MAX_SIMULATION_STEP_MS, parseDurationOption } from '../interval.js';
import { parseInstantOption } from '../option-values.js';
import { writeRunHeader } from '../run-header.js';
import { branchOption, seriesOption, targetFromOptions, type TargetOptions } from '../target-options.js';

/** A month of minutes is 43,200 ticks: more than that is almost certainly a typo in --every. */
export const MAX_TICKS = 50_000;

export function simulationTicks(fromMs: number, toMs: number, every: string): number[] {
  const step = parseDurationOption('--every', every, MAX_SIMULATION_STEP_MS);
  if (toMs < fromMs) throw new ClassctlError('USAGE', '--to is before --from.', { key: 'to' });
  const count = Math.floor((toMs - fromMs) / step) + 1;
  if (count > MAX_TICKS) throw new ClassctlError('USAGE', `That is ${count} ticks; at most ${MAX_TICKS}. Use a longer --every.`, { key: 'every' });
  return Array.from({ length: count }, (_, i) => fromMs + i * step);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('simulate')
    .description('Run at each simulated tick from --from to --to on a scratch copy of the database, one line per tick; the database is left as it was.')
    .requiredOption('--from <iso>', 'first simulated instant, e.g. 2027-03-01T00:00:00Z')
    .requiredOption('--to <iso>', 'last simulated instant (inclusive)')
    .option('--every <duration>', 'time between ticks: 15m, 1h, 24h, or ISO 8601 like PT1H or P1D (up to 744h)', '1h')
    .option('--allow-mass-removal', 'do not stop at safety.maxRemovalsPerRun')
    .addOption(branchOption())
    .addOption(seriesOption())
    .option('--apply', 'write the simulated runs to the database itself instead of a scratch copy (never in production)')
    .action(
      ctx.action(async (opts: { from: string; to: string; every: string; allowMassRemoval?: boolean; apply?: boolean } & TargetOptions, cmd: Command) => {
        const ticks = simulationTicks(parseInstantOption('--from', opts.from), parseInstantOption('--to', opts.to), opts.every);
        const g = ctx.globals(cmd);
        const logger = ctx.logger(cmd);
        const config = await loadConfigSet(g);
        const db = await openDatabaseFor(g);
        let scratch: Database | null = null;
        try {
          await writeRunHeader(ctx.io.stderr, g, db);
          if (opts.apply) {
            if ((await getSetting(db, ENVIRONMENT_SETTING)) === 'production') {
              ctx.io.stderr.write('classctl: Refusing to simulate --apply against a database stamped "production": simulated runs write sessions at invented instants. Leave --apply out to simulate on a scratch copy.\n');
              return ExitCode.REFUSED;
            }
          } else {
            scratch = await db.openScratchCopy();
            ctx.io.stderr.write(`classctl: simulating on a scratch copy of ${db.describe()}; the database itself is not written (--apply writes it).\n`);
          }
          // The scratch copy vanishes when it is closed: the guards that keep
          // writes away from a database are for the database itself.
          const guards = scratch ? { expectedEnv: undefined, allowApply: 'true' } : { expectedEnv: g.env, allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY };
          const target = targetFromOptions(opts);
          let worst: number = ExitCode.OK;
          for (const tick of ticks) {
            const r = await reconcile({
              db: scratch ?? db,
              config,
              logger,
              now: tick,
              clock: () => tick,
              mode: 'apply',
              ...guards,
              allowMassRemoval: opts.allowMassRemoval === true,
              onBranch: discardBranches,
              target,
            });
            const s = r.written; // what this tick wrote, not what it planned
            ctx.write(
              `${new Date(tick).toISOString()}  +${s.create} ~${s.update} -${s.delete} !${s.cancel} x${s.seriesDeleted}  ${r.outcome}${r.runId ? ` (run ${r.runId})` : ''}\n`,
            );
            if (r.refusal) {
              ctx.io.stderr.write(`classctl: ${r.refusal.message}\n`);
              return ExitCode.REFUSED;
            }
            worst = Math.max(worst, r.exitCode);
          }
          return worst;
        } finally {
          await scratch?.close();
          await db.close();
        }
      }),
    );
}
