// The HTTP side of `classctl serve`, built by a factory that does not listen:
// `classctl serve` calls listen(), tests call inject(). Everything the routes
// touch (database, configuration, clock, the loop) comes in as a dependency.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import type { ConfigSet } from '../core/config/config-set.js';
import type { LoopStatus, TriggerReason } from '../runtime/controller-loop.js';
import { createLogger, type Logger } from '../runtime/logger.js';
import type { Database } from '../store/database.js';
import { installErrorHandlers, toErrorResponse } from './error-handler.js';
import { registerConsoleRoutes } from './routes/console.js';
import { registerExplainRoute } from './routes/explain.js';
import { registerFeedRoutes } from './routes/feeds.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoute } from './routes/metrics.js';
import type { ApprovalActions } from '../runtime/approve-plan.js';
import { registerApprovalRoutes } from './routes/approvals.js';
import { registerConsoleListRoutes } from './routes/console-lists.js';
import { registerPlanRoute } from './routes/plan.js';
import { registerPlanSummaryRoute } from './routes/plan-summary.js';
import { registerReconcileRoute } from './routes/reconcile.js';
import { registerRunsRoute } from './routes/runs.js';
import { registerScheduleRoute } from './routes/schedule.js';

export interface AppDeps {
  db: Database;
  /** Reads the configuration documents afresh (they may change while the server runs). */
  loadConfig: () => Promise<ConfigSet>;
  clock: () => number;
  /** Asks the reconcile loop for a run; false when it takes no more triggers (shutting down). */
  trigger: (reason: TriggerReason) => boolean;
  /** The loop's state, for /readyz; without it (no loop) no run is ever "stuck". */
  loopStatus?: () => LoopStatus;
  registry: Registry;
  /** CLASSCTL_API_TOKEN: POST /api/reconcile is disabled without it. */
  apiToken?: string;
  /** CLASSCTL_FEED_SECRET: the key of the feeds' tokens; without it no calendar feed is served. */
  feedSecret?: string;
  /** The write guards POST /api/reconcile checks before it queues a run (throws a GUARD_* ClassctlError: 409). */
  checkWriteGuards?: () => Promise<void>;
  /** Approving and rejecting held plans (`serve --approval`); absent, those POSTs answer 403. */
  approvals?: ApprovalActions;
  logger?: Logger;
  /** /readyz reports a run in progress for longer than this as stuck (default 50 minutes: 10 × the default interval). */
  runDeadlineMs?: number;
  /** /readyz gives up on a check after this long (default 5 s). */
  readinessTimeoutMs?: number;
}

export const DEFAULT_RUN_DEADLINE_MS = 10 * 5 * 60_000;
export const DEFAULT_READINESS_TIMEOUT_MS = 5_000;

/** Probes and scrapes arrive every few seconds: logged at debug, so info shows what people and tools did. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const logger = deps.logger ?? createLogger({ level: 'silent' });
  const app = Fastify({
    // Widened to fastify's logger interface so routes are typed against it, not against pino.
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Unknown query parameters are rejected, not silently dropped: a typo
    // (`?limt=5`) gets a 400 instead of the default.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true, allErrors: false } },
    return503OnClosing: true,
    // Above the longest id a schema allows (200), so an over-long id gets the
    // schema's 400 with a clear message rather than the router's bare 414.
    routerOptions: { maxParamLength: 500 },
    // Errors the router raises before any route (a bad URL, an over-long
    // parameter) get the same JSON shape and codes as everything else.
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = toErrorResponse(error);
      void (reply as FastifyReply).code(status).send(body);
    },
  });

  // POST /api/reconcile takes no body; an empty one sent with a JSON content
  // type (what many HTTP clients do by default) is not an error.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      (err as { statusCode?: number }).statusCode = 400;
      done(err as Error, undefined);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const fields = { method: request.method, path, statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime) };
    if (QUIET_PATHS.has(path) && reply.statusCode < 400) request.log.debug(fields, 'HTTP request.');
    else request.log.info(fields, 'HTTP request.');
  });

  installErrorHandlers(app);
  registerHealthRoutes(app, {
    db: deps.db,
    loadConfig: deps.loadConfig,
    clock: deps.clock,
    loopStatus: deps.loopStatus,
    runDeadlineMs: deps.runDeadlineMs ?? DEFAULT_RUN_DEADLINE_MS,
    checkTimeoutMs: deps.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS,
  });
  registerMetricsRoute(app, deps.registry);
  registerPlanRoute(app, { db: deps.db, loadConfig: deps.loadConfig, clock: deps.clock, logger });
  registerPlanSummaryRoute(app, { db: deps.db, loadConfig: deps.loadConfig, clock: deps.clock, logger });
  registerExplainRoute(app, { db: deps.db, loadConfig: deps.loadConfig });
  registerRunsRoute(app, { db: deps.db });
  registerScheduleRoute(app, { db: deps.db, loadConfig: deps.loadConfig, clock: deps.clock });
  registerConsoleListRoutes(app, { db: deps.db, loadConfig: deps.loadConfig });
  registerFeedRoutes(app, {
    db: deps.db,
    clock: deps.clock,
    feedSecret: deps.feedSecret,
    // The configuration as it is now (a document edit opens or closes a feed at once); a branch whose settings do not resolve is not public.
    isPublicBranch: async (branchId) => {
      const r = (await deps.loadConfig()).resolve(branchId);
      return r.ok && r.settings.feeds.public;
    },
  });
  registerReconcileRoute(app, { trigger: deps.trigger, apiToken: deps.apiToken, checkWriteGuards: deps.checkWriteGuards });
  registerApprovalRoutes(app, { db: deps.db, apiToken: deps.apiToken, approvals: deps.approvals, checkWriteGuards: deps.checkWriteGuards });
  // The web console (GET / and its assets): static files that call the routes above.
  registerConsoleRoutes(app);
  await app.ready();
  return app;
}
