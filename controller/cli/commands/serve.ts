// `classctl serve`: controller mode. Reconciles at start, every --interval and
// on change; serves /healthz, /readyz, /metrics and the API until SIGTERM or
// SIGINT, then lets the run in progress finish and exits 0.
import type { Command } from 'commander';
import { ClassctlError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { MAX_RESYNC_PERIOD_MS, parseDurationOption } from '../interval.js';
import { startController } from '../serve-controller.js';
import { choiceOption } from '../option-values.js';
import { APPROVAL_POLICIES, type ApprovalPolicy } from '../../runtime/plan-approval.js';

interface ServeFlags {
  port: string;
  host: string;
  interval: string;
  shutdownTimeout: string;
  resyncPeriod: string;
  allowMassRemoval?: boolean;
  approval: ApprovalPolicy;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Controller mode: reconcile (apply) at start, every --interval and on change; serve /healthz, /readyz, /metrics and the API.')
    .option('--port <port>', 'TCP port; 0 picks a free one (logged)', '8080')
    .option('--host <host>', 'address to listen on', '0.0.0.0')
    .option('--interval <duration>', 'time between runs (±10% jitter): 30s, 5m, 1h, or ISO 8601 like PT5M', '5m')
    .option('--shutdown-timeout <duration>', 'on SIGTERM, how long to wait for the run in progress', '30s')
    .option('--resync-period <duration>', 'how long a branch may go without a full proof (every session compared) between incremental runs (up to 720h): 12h, 48h, PT6H', '24h')
    .option('--allow-mass-removal', 'apply even when more sessions would be removed than safety.maxRemovalsPerRun')
    .addOption(
      choiceOption('--approval <policy>', APPROVAL_POLICIES, {
        about: 'which plans wait for a person to approve them (console or POST /api/approvals/ID/approve) instead of being applied: never, removals (a plan that deletes, cancels or archives), always (any change)',
        default: 'never',
      }),
    )
    .action(
      ctx.action(async (flags: ServeFlags, cmd: Command) => {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new ClassctlError('USAGE', `--port "${flags.port}" is not a port number (0-65535).`, { key: 'port' });
        }
        const intervalMs = parseDurationOption('--interval', flags.interval);
        const shutdownMs = parseDurationOption('--shutdown-timeout', flags.shutdownTimeout);
        const resyncPeriodMs = parseDurationOption('--resync-period', flags.resyncPeriod, MAX_RESYNC_PERIOD_MS);
        const logger = ctx.logger(cmd);

        const controller = await startController({
          globals: ctx.globals(cmd),
          env: ctx.io.env,
          logger,
          port,
          host: flags.host,
          intervalMs,
          resyncPeriodMs,
          allowMassRemoval: flags.allowMassRemoval === true,
          approval: flags.approval,
        });

        const signal = await waitForSignal(['SIGTERM', 'SIGINT']);
        logger.info({ signal, shutdownTimeoutMs: shutdownMs }, 'Shutting down: no new runs; waiting for the run in progress to finish.');
        // A second signal while waiting: the operator does not want to wait.
        const force = (s: NodeJS.Signals) => {
          logger.warn({ signal: s }, 'Second signal: exiting now; the open branch transaction, if any, is rolled back by the server.');
          process.exit(ExitCode.RUN_FAILED);
        };
        process.once('SIGTERM', force);
        process.once('SIGINT', force);
        try {
          const outcome = await controller.shutdown(shutdownMs);
          logger.info({ outcome }, 'Stopped.');
          return outcome === 'deadline' ? ExitCode.RUN_FAILED : ExitCode.OK;
        } finally {
          process.removeListener('SIGTERM', force);
          process.removeListener('SIGINT', force);
        }
      }),
    );
}

function waitForSignal(signals: NodeJS.Signals[]): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handlers = signals.map((s) => {
      const h = () => {
        for (const [sig, fn] of handlers) process.removeListener(sig, fn);
        resolve(s);
      };
      process.on(s, h);
      return [s, h] as const;
    });
  });
}
