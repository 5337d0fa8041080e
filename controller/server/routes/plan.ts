import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ConfigSet } from '../../core/config/config-set.js';
import { readInstant } from '../../core/instant-range.js';
import { changeToJson, createPlanJsonStream, planJsonTail } from '../../core/render/plan-json.js';
import { drained } from '../../runtime/drained.js';
import type { Logger } from '../../runtime/logger.js';
import { reconcile } from '../../runtime/reconcile.js';
import type { Database } from '../../store/database.js';
import { HttpError, HttpErrorCodes } from '../http-errors.js';
import { ISO_INSTANT } from '../query-schemas.js';

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

/** The `now` a request asks for (an ISO instant with a zone), else the server's clock. */
export function requestedNow(text: string | undefined, clock: () => number): number {
  if (text === undefined) return clock();
  const instant = readInstant(text);
  if (!instant.ok) throw new HttpError(400, HttpErrorCodes.INVALID_REQUEST, `Invalid request: now "${text}" ${instant.why}.`);
  return instant.ms;
}

export function registerPlanRoute(app: FastifyInstance, deps: PlanRouteDeps): void {
  // What a run would change at `now` (default: the server's clock). Plan mode
  // takes no lock, starts no journal row and writes nothing. The JSON is
  // streamed branch by branch as the run computes them (the same document
  // as `reconcile --output json`, without runId and outcome), so a plan of
  // millions of changes is never held by the server. The response starts
  // with the first branch: an error before it is an error response; one
  // after it cuts the response short (the client sees invalid JSON).
  app.get<{ Querystring: { now?: string } }>('/api/plan', { schema: { querystring } }, async (request, reply) => {
    const now = requestedNow(request.query.now, deps.clock);
    const config = await deps.loadConfig();
    const json = createPlanJsonStream({ now: new Date(now).toISOString(), mode: 'plan' });
    const body = new PassThrough();
    body.on('error', () => {});
    let started = false;
    const write = async (chunk: string): Promise<void> => {
      // The client went away: stop planning for it.
      if (body.destroyed) throw new Error('the client closed the connection before the plan was sent');
      if (!body.write(chunk)) await drained(body);
    };
    const start = async (): Promise<void> => {
      if (started) return;
      started = true;
      void reply.type('application/json; charset=utf-8').send(body);
      await write(json.begin());
    };
    try {
      const result = await reconcile({
        db: deps.db,
        config,
        logger: deps.logger.child({ api: 'plan', reqId: request.id }),
        now,
        mode: 'plan',
        clock: deps.clock,
        onBranch: async (branch) => {
          await start();
          await write(json.changes(branch.changes.map(changeToJson)));
        },
      });
      await start();
      body.end(json.end(planJsonTail(result.plan, result.summary)));
    } catch (err) {
      if (!started) throw err;
      request.log.error({ err }, 'The plan response was cut short: the run failed after the first branch was sent.');
      body.destroy(err as Error);
    }
    return reply;
  });
}
