import { Option, type Command } from 'commander';
import { outputOption } from '../option-values.js';
import { ClassctlError } from '../../core/errors.js';
import { DEFAULT_LISTED_CHANGES } from '../../core/render/plan-text.js';
import { openPlanOutput, type PlanDetail } from '../plan-output.js';
import { reconcile, type ReconcileResult } from '../../runtime/reconcile.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { checkOutFile, loadConfigSet, openDatabaseFor, parseNow, reportRunToConfigSource } from '../resources.js';
import { writeRunHeader } from '../run-header.js';
import { branchOption, seriesOption, targetFromOptions, type TargetOptions } from '../target-options.js';
import type { Logger } from '../../runtime/logger.js';
import { faultInjectionHooks } from '../fault-injection.js';
import { MAX_RESYNC_PERIOD_MS, parseDurationOption } from '../interval.js';
import { DEFAULT_NOTIFY_TIMEOUT_MS, deliverBeforeExit } from '../../runtime/notifications/deliver-before-exit.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('reconcile')
    .description('Plan (default) or apply one reconcile run at an instant.')
    .option('--plan', 'show the changes only (default)')
    .option('--apply', 'write the changes')
    .option('--now <iso>', 'the instant of the run (default: now), e.g. 2026-11-25T09:00:00Z')
    .addOption(outputOption(['text', 'json']))
    .addOption(new Option('--detail <level>', `text output: limited lists the first ${DEFAULT_LISTED_CHANGES} changes and counts the rest per branch and series; full lists every change`).choices(['limited', 'full']).default('limited'))
    .option('--out <file>', 'also save the plan as JSON, for `classctl apply FILE`')
    .addOption(branchOption())
    .addOption(seriesOption())
    .option('--full-resync', 'prove every branch in full: compare every session, instead of trusting what earlier runs recorded for branches whose inputs did not change')
    .option('--resync-period <duration>', 'how long a branch may go without a full proof (default 24h; up to 720h): 12h, 48h, PT6H')
    .option('--allow-mass-removal', 'apply even when more sessions would be removed than safety.maxRemovalsPerRun')
    .option('--allow-now-skew', 'apply with a --now more than 5 minutes from the database clock (never on a production database)')
    .option('--notify-timeout <duration>', 'with --apply: how long to deliver notifications before exiting (default 10s); the rest waits for the next run or serve')
    .option('--pushgateway <url>', 'push this run\'s metrics (push-add) to a Prometheus Pushgateway')
    .option('--pushgateway-job <name>', 'job name for --pushgateway', 'classctl-reconcile')
    .action(
      ctx.action(async (opts: { plan?: boolean; apply?: boolean; now?: string; output: string; detail: PlanDetail; out?: string; fullResync?: boolean; resyncPeriod?: string; allowMassRemoval?: boolean; allowNowSkew?: boolean; notifyTimeout?: string; pushgateway?: string; pushgatewayJob: string } & TargetOptions, cmd: Command) => {
        if (opts.plan && opts.apply) throw new ClassctlError('USAGE', '--plan and --apply exclude each other.');
        const g = ctx.globals(cmd);
        const logger = ctx.logger(cmd);
        const now = parseNow(opts.now);
        const notifyTimeoutMs = opts.notifyTimeout === undefined ? DEFAULT_NOTIFY_TIMEOUT_MS : parseDurationOption('--notify-timeout', opts.notifyTimeout);
        const resyncPeriodMs = opts.resyncPeriod === undefined ? undefined : parseDurationOption('--resync-period', opts.resyncPeriod, MAX_RESYNC_PERIOD_MS);
        if (opts.out) await checkOutFile(opts.out);
        const config = await loadConfigSet(g);
        const db = await openDatabaseFor(g);
        const startedAt = Date.now();
        const output = openPlanOutput({ stdout: ctx.io.stdout, format: opts.output === 'json' ? 'json' : 'text', detail: opts.detail, now, mode: opts.apply ? 'apply' : 'plan', outFile: opts.out });
        try {
          await writeRunHeader(ctx.io.stderr, g, db);
          let result: ReconcileResult;
          const faults = faultInjectionHooks(ctx.io.env.CLASSCTL_FAULT_PAUSE, ctx.io.stderr);
          try {
            result = await reconcile({
              db,
              config,
              logger,
              now,
              mode: opts.apply ? 'apply' : 'plan',
              expectedEnv: g.env,
              allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY,
              allowMassRemoval: opts.allowMassRemoval === true,
              fullResync: opts.fullResync === true,
              resyncPeriodMs,
              nowGuard: { allowSkew: opts.allowNowSkew === true },
              faults,
              onBranch: output.sink,
              target: targetFromOptions(opts),
            });
          } catch (err) {
            await output.abort();
            if (opts.pushgateway) await pushRunMetrics(opts.pushgateway, opts.pushgatewayJob, null, startedAt, logger);
            throw err;
          }
          if (opts.pushgateway) await pushRunMetrics(opts.pushgateway, opts.pushgatewayJob, result, startedAt, logger);
          if (opts.apply) await reportRunToConfigSource(g, config, result, logger);
          // Only a run that passed the guards writes: delivery settles rows in the outbox.
          if (opts.apply && result.runId !== null) await faults.beforeDelivery?.();
          if (opts.apply && result.runId !== null) await deliverBeforeExit(db, { configSource: g.configSource, configDir: g.config, namespace: g.namespace, env: ctx.io.env }, logger, notifyTimeoutMs);
          const applied = opts.apply === true && !result.refusal;
          const written = { ...result.written, failedBranches: result.failedBranches };
          await output.finish(result, { applied, extra: { runId: result.runId, outcome: result.outcome, failedBranches: result.failedBranches, ...(applied ? { written } : {}) } });
          if (result.refusal) {
            ctx.io.stderr.write(`classctl: ${result.refusal.message}\n`);
            return ExitCode.REFUSED;
          }
          return result.exitCode;
        } finally {
          await output.abort();
          await db.close();
        }
      }),
    );
}

/** One-shot mode: push this run's metrics (push-add); a failed push only warns, the run's exit code stands. */
async function pushRunMetrics(url: string, job: string, result: ReconcileResult | null, startedAt: number, logger: Logger): Promise<void> {
  // prom-client is imported only for --pushgateway: a plain run does not load it.
  const { createMetrics, pushMetrics, recordRun, recordRunError } = await import('../../runtime/metrics.js');
  const metrics = createMetrics();
  const seconds = (Date.now() - startedAt) / 1000;
  if (result) recordRun(metrics, result, seconds);
  else recordRunError(metrics, seconds);
  try {
    await pushMetrics(url, metrics.registry, job);
  } catch (err) {
    logger.warn({ err }, `Could not push metrics to the Pushgateway at ${url}; the run itself is unaffected.`);
  }
}
