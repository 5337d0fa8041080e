import type { Command } from 'commander';
import { Option } from 'commander';
import { outputOption } from '../option-values.js';
import { DEFAULT_LISTED_CHANGES } from '../../core/render/plan-text.js';
import { openPlanOutput, type PlanDetail } from '../plan-output.js';
import { SAVED_PLAN_MAX_AGE_MS } from '../../runtime/guards.js';
import { reconcile } from '../../runtime/reconcile.js';
import { readSavedPlanFile } from '../../runtime/saved-plan-file.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { loadConfigSet, openDatabaseFor } from '../resources.js';
import { writeRunHeader } from '../run-header.js';
import { branchOption, seriesOption, targetFromOptions, type TargetOptions } from '../target-options.js';
import { parseDurationOption } from '../interval.js';
import { DEFAULT_NOTIFY_TIMEOUT_MS, deliverBeforeExit } from '../../runtime/notifications/deliver-before-exit.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('apply')
    .description('Apply a saved plan exactly (from `reconcile --plan --out FILE`), or refuse it as stale (exit 3).')
    .argument('<planfile>', 'the saved plan JSON')
    .option('--allow-mass-removal', 'apply even when more sessions would be removed than safety.maxRemovalsPerRun')
    .option('--allow-now-skew', "apply a plan whose now is ahead of the database clock or older than a day (never on a production database)")
    .addOption(outputOption(['text', 'json']))
    .addOption(branchOption())
    .addOption(seriesOption())
    .option('--notify-timeout <duration>', 'how long to deliver notifications before exiting (default 10s); the rest waits for the next run or serve')
    .addOption(new Option('--detail <level>', `text output: limited lists the first ${DEFAULT_LISTED_CHANGES} changes and counts the rest per branch and series; full lists every change`).choices(['limited', 'full']).default('limited'))
    .action(
      ctx.action(async (file: string, opts: { allowMassRemoval?: boolean; allowNowSkew?: boolean; notifyTimeout?: string; output: string; detail: PlanDetail } & TargetOptions, cmd: Command) => {
        // Read in bounded memory: checked in one pass, its changes compared branch by branch as the run recomputes them.
        const notifyTimeoutMs = opts.notifyTimeout === undefined ? DEFAULT_NOTIFY_TIMEOUT_MS : parseDurationOption('--notify-timeout', opts.notifyTimeout);
        const saved = await readSavedPlanFile(file);
        const g = ctx.globals(cmd);
        const config = await loadConfigSet(g);
        const db = await openDatabaseFor(g);
        const now = Date.parse(saved.now);
        const output = openPlanOutput({ stdout: ctx.io.stdout, format: opts.output === 'json' ? 'json' : 'text', detail: opts.detail, now, mode: 'apply' });
        try {
          await writeRunHeader(ctx.io.stderr, g, db);
          const result = await reconcile({
            db,
            config,
            logger: ctx.logger(cmd),
            now,
            mode: 'apply',
            savedPlan: saved,
            expectedEnv: g.env,
            allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY,
            allowMassRemoval: opts.allowMassRemoval === true,
            // A plan reviewed for a while stays applicable (checkNothingStarted refuses one that touches a started session).
            nowGuard: { allowSkew: opts.allowNowSkew === true, maxBehindMs: SAVED_PLAN_MAX_AGE_MS },
            onBranch: output.sink,
            // The plan's own target; --branch / --series, if given, must name it.
            target: targetFromOptions(opts),
          });
          // Only a run that passed the guards writes: delivery settles rows in the outbox.
          if (result.runId !== null) await deliverBeforeExit(db, { configSource: g.configSource, configDir: g.config, namespace: g.namespace, env: ctx.io.env }, ctx.logger(cmd), notifyTimeoutMs);
          // A refused saved plan prints nothing: it was reviewed already, the refusal says why it is not applied.
          if (result.refusal) {
            ctx.io.stderr.write(`classctl: ${result.refusal.message}\n`);
            return ExitCode.REFUSED;
          }
          await output.finish(result, { applied: true, extra: { runId: result.runId, outcome: result.outcome } });
          return result.exitCode;
        } finally {
          await db.close();
        }
      }),
    );
}
