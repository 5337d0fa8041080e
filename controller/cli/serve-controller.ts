// The composition root of `classctl serve`: database, metrics, reconcile loop,
// its triggers (NOTIFY, config directory, API) and the HTTP server, started in
// that order and stopped in reverse.
import type { FastifyInstance } from 'fastify';
import type { ConfigSet } from '../core/config/config-set.js';
import { ClassctlError } from '../core/errors.js';
import { FEED_SECRET_ENV } from '../core/calendar/feed-target.js';
import { buildApp } from '../server/app.js';
import { watchConfigDir, type ConfigWatch } from '../runtime/config-watch.js';
import { createControllerLoop, type ControllerLoop, type StopOutcome } from '../runtime/controller-loop.js';
import { createControllerRun } from '../runtime/controller-run.js';
import { checkApplyGuards } from '../runtime/guards.js';
import type { Logger } from '../runtime/logger.js';
import { createMetrics, recordConfigProblems, type ControllerMetrics } from '../runtime/metrics.js';
import type { Database } from '../store/database.js';
import { assertMigrated } from '../store/migrate.js';
import type { GlobalOptions } from './context.js';
import { loadConfigSet, openDatabaseFor, reportRunToConfigSource } from './resources.js';
import { handleStrayDatabaseErrors } from './stray-errors.js';
import { describeDbError } from '../runtime/retry.js';
import { createApprovalActions } from '../runtime/approve-plan.js';
import type { ApprovalPolicy } from '../runtime/plan-approval.js';
import { recordRun } from '../runtime/metrics.js';
import { startDeliveryLoop } from '../runtime/notifications/delivery-loop.js';
import { destinationLoader } from '../runtime/notifications/destinations-source.js';

/** The channel of migration 010's trigger on class_series; the payload is the branch id. */
export const SERIES_CHANGED_CHANNEL = 'classctl_series_changed';

/** /readyz calls a run stuck after this many intervals. */
const RUN_DEADLINE_INTERVALS = 10;

export interface ServeOptions {
  globals: GlobalOptions;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  port: number;
  host: string;
  intervalMs: number;
  /** How long a branch may go without a full proof (reconcile's resyncPeriodMs). */
  resyncPeriodMs?: number;
  allowMassRemoval: boolean;
  /** Which plans wait for approval instead of being applied (default never). */
  approval?: ApprovalPolicy;
}

export interface RunningController {
  /** The bound address, e.g. http://127.0.0.1:8080 (the real port when --port 0). */
  url: string;
  port: number;
  loop: ControllerLoop;
  metrics: ControllerMetrics;
  /**
   * Stops taking triggers, waits for the run in progress (it finishes its
   * branch transaction) up to `deadlineMs`, then closes the server and the
   * database. Returns how the wait ended.
   */
  shutdown(deadlineMs: number): Promise<StopOutcome>;
}

export async function startController(o: ServeOptions): Promise<RunningController> {
  const log = o.logger;
  // openDatabaseFor explains its own failures, naming the database without its credentials.
  const db: Database = await openDatabaseFor(o.globals);
  const cleanup: Array<() => Promise<void> | void> = [() => db.close()];
  // A database error no run awaited (an idle connection dropped, the LISTEN
  // connection re-listening) must not end the controller: log it; the next
  // run reconnects and retries.
  cleanup.push(
    handleStrayDatabaseErrors((err) =>
      log.error({ code: (err as { code?: string }).code }, `A database connection was lost outside a run (${describeDbError(err)}); serve goes on, and the next run reconnects.`),
    ),
  );
  const closeAll = async () => {
    for (const fn of cleanup.reverse()) {
      try {
        await fn();
      } catch (err) {
        log.warn({ err }, 'Error while closing; going on with the rest.');
      }
    }
  };

  try {
    await assertMigrated(db);
    const metrics = createMetrics({ processMetrics: true });
    const loadConfig = async (): Promise<ConfigSet> => {
      const config = await loadConfigSet(o.globals);
      recordConfigProblems(metrics, config.problems);
      return config;
    };
    const run = createControllerRun({
      db,
      loadConfig,
      metrics,
      logger: log,
      expectedEnv: o.globals.env,
      allowApply: o.env.CLASSCTL_ALLOW_APPLY,
      allowMassRemoval: o.allowMassRemoval,
      resyncPeriodMs: o.resyncPeriodMs,
      approval: o.approval ?? 'never',
      afterRun: async (result, config) => {
        await reportRunToConfigSource(o.globals, config, result, log);
        delivery.kick();
      },
    });
    const approvals = createApprovalActions({
      db,
      loadConfig,
      logger: log,
      expectedEnv: o.globals.env,
      allowApply: o.env.CLASSCTL_ALLOW_APPLY,
      allowMassRemoval: o.allowMassRemoval,
      policy: o.approval ?? 'never',
      afterRun: async (result, config, durationSeconds) => {
        recordRun(metrics, result, durationSeconds);
        await reportRunToConfigSource(o.globals, config, result, log);
        delivery.kick();
      },
    });
    const delivery = startDeliveryLoop({
      db,
      log,
      metrics: metrics.notifications,
      guards: { expectedEnv: o.globals.env, allowApply: o.env.CLASSCTL_ALLOW_APPLY },
      loadDestinations: destinationLoader({ configSource: o.globals.configSource, configDir: o.globals.config, namespace: o.globals.namespace, env: o.env }, log),
    });
    cleanup.push(() => delivery.stop());
    const loop = createControllerLoop({ run, intervalMs: o.intervalMs, logger: log });

    const listener = await db.listen(SERIES_CHANGED_CHANNEL, (branchId) => {
      log.debug({ branchId }, 'Class series changed (NOTIFY); reconciling.');
      loop.trigger('notify');
    });
    cleanup.push(() => listener.unlisten());

    if (o.globals.configSource === 'files') {
      const watcher: ConfigWatch | null = watchConfigDir({ dir: o.globals.config, logger: log, onChange: () => loop.trigger('config') });
      if (watcher) cleanup.push(() => watcher.close());
    } else {
      const { watchConfigResources } = await import('../sources/kubernetes.js');
      const watch = watchConfigResources({
        namespace: o.globals.namespace,
        onChange: () => {
          log.info('SchedulingConfig resources changed; reconciling.');
          loop.trigger('config');
        },
        onError: (err, retryInMs) =>
          log.warn({ err, retryInMs }, 'The watch of SchedulingConfig resources ended; it restarts, and the interval run covers the gap.'),
      });
      cleanup.push(() => watch.stop());
    }

    const apiToken = o.env.CLASSCTL_API_TOKEN || undefined;
    const app: FastifyInstance = await buildApp({
      db,
      loadConfig,
      clock: Date.now,
      trigger: (reason) => loop.trigger(reason),
      loopStatus: () => loop.status(),
      registry: metrics.registry,
      apiToken,
      feedSecret: o.env[FEED_SECRET_ENV] || undefined,
      checkWriteGuards: async () => {
        await checkApplyGuards(db, { expectedEnv: o.globals.env, allowApply: o.env.CLASSCTL_ALLOW_APPLY, action: 'reconcile' });
      },
      approvals,
      logger: log,
      runDeadlineMs: RUN_DEADLINE_INTERVALS * o.intervalMs,
    });
    cleanup.push(() => app.close());
    try {
      await app.listen({ port: o.port, host: o.host });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw new ClassctlError('USAGE', `Cannot listen on ${o.host}:${o.port} (${code}); pass another --port or --host.`, { key: 'port', cause: err });
      }
      throw err;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : o.port;
    const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
    log.info(
      { url, port, database: db.describe(), ...(o.globals.context ? { context: o.globals.context.name } : {}), intervalMs: o.intervalMs, approval: o.approval ?? 'never', configSource: o.globals.configSource, config: o.globals.config, reconcileApi: apiToken ? 'enabled' : 'disabled', calendarFeeds: o.env[FEED_SECRET_ENV] ? 'enabled' : 'disabled' },
      'classctl serve listening.',
    );
    loop.start();

    return {
      url,
      port,
      loop,
      metrics,
      async shutdown(deadlineMs) {
        const outcome = await loop.stop(deadlineMs);
        if (outcome === 'deadline') {
          log.error({ deadlineMs }, 'The run in progress did not finish before the shutdown deadline; closing the database rolls its branch transaction back (the next run redoes it).');
        }
        await closeAll();
        return outcome;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
