import type { FastifyInstance } from 'fastify';
import type { ConfigSet } from '../../core/config/config-set.js';
import { readInstant } from '../../core/instant-range.js';
import { planToJson } from '../../core/render/plan-json.js';
import type { Logger } from '../../runtime/logger.js';
import { reconcile } from '../../runtime/reconcile.js';
import type { Database } from '../../store/database.js';
import { HttpError, HttpErrorCodes } from '../http-errors.js';

/** An ISO instant with an explicit zone, as `reconcile --now` takes: never ambiguous. */
const ISO_INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})$';

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: { now: { type: 'string', pattern: ISO_INSTANT } },
} as const;

export interface PlanRouteDeps {
  db: Database;
  loadConfig: () => Promise<ConfigSet>;
  clock: () => number;
  logger: Logger;
}

export function registerPlanRoute(app: FastifyInstance, deps: PlanRouteDeps): void {
  // What a run would change at `now` (default: the server's clock). Plan mode
  // takes no lock, starts no journal row and writes nothing.
  app.get<{ Querystring: { now?: string } }>('/api/plan', { schema: { querystring } }, async (request) => {
    let now = deps.clock();
    if (request.query.now !== undefined) {
      const instant = readInstant(request.query.now);
      if (!instant.ok) throw new HttpError(400, HttpErrorCodes.INVALID_REQUEST, `Invalid request: now "${request.query.now}" ${instant.why}.`);
      now = instant.ms;
    }
    const config = await deps.loadConfig();
    const result = await reconcile({ db: deps.db, config, logger: deps.logger.child({ api: 'plan', reqId: request.id }), now, mode: 'plan', clock: deps.clock });
    return planToJson(result.plan);
  });
}
