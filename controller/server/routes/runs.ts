import type { FastifyInstance } from 'fastify';
import type { Sql } from '../../store/database.js';
import { listRuns } from '../../store/runs.js';
import { runToJson } from '../../core/render/runs.js';

/** Enough for a dashboard of the last day at a 5-minute interval, small enough to stay cheap. */
export const MAX_RUNS_LIMIT = 500;
export const DEFAULT_RUNS_LIMIT = 20;

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_RUNS_LIMIT, default: DEFAULT_RUNS_LIMIT } },
} as const;

export function registerRunsRoute(app: FastifyInstance, deps: { db: Sql }): void {
  app.get<{ Querystring: { limit: number } }>('/api/runs', { schema: { querystring } }, async (request) => {
    const runs = await listRuns(deps.db, request.query.limit);
    return { runs: runs.map(runToJson) };
  });
}
