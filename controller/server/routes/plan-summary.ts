// GET /api/plan/summary: what the next run would do, grouped by branch and
// series, for the console's Plan view. The run is planned as GET /api/plan
// plans it (nothing written, no journal row); the response keeps every
// count but the details of only `limit` changes, so a plan of millions of
// changes is summarised in bounded memory.
import type { FastifyInstance } from 'fastify';
import { changeToJson, planJsonTail } from '../../core/render/plan-json.js';
import { createPlanSummaryCollector, SUMMARY_FILTERS, type SummaryFilter } from '../../core/render/plan-summary.js';
import { reconcile } from '../../runtime/reconcile.js';
import { findBranch } from '../../store/schedule.js';
import { HttpError, HttpErrorCodes } from '../http-errors.js';
import { ID, ISO_INSTANT } from '../query-schemas.js';
import { requestedNow, type PlanRouteDeps } from './plan.js';

export const DEFAULT_PLAN_SUMMARY_LIMIT = 500;
export const MAX_PLAN_SUMMARY_LIMIT = 5000;

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    now: { type: 'string', pattern: ISO_INSTANT },
    branch: ID,
    kind: { type: 'string', enum: [...SUMMARY_FILTERS] },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PLAN_SUMMARY_LIMIT, default: DEFAULT_PLAN_SUMMARY_LIMIT },
  },
} as const;

interface PlanSummaryQuery {
  now?: string;
  branch?: string;
  kind?: SummaryFilter;
  limit: number;
}

export function registerPlanSummaryRoute(app: FastifyInstance, deps: PlanRouteDeps): void {
  app.get<{ Querystring: PlanSummaryQuery }>('/api/plan/summary', { schema: { querystring } }, async (request) => {
    const q = request.query;
    const now = requestedNow(q.now, deps.clock);
    if (q.branch !== undefined && !(await findBranch(deps.db, q.branch))) {
      throw new HttpError(404, HttpErrorCodes.BRANCH_NOT_FOUND, `No branch "${q.branch}"; GET /api/branches lists them.`, { key: q.branch });
    }
    const config = await deps.loadConfig();
    const collector = createPlanSummaryCollector({ branch: q.branch ?? null, kind: q.kind ?? null, limit: q.limit });
    // A branch asked for is planned alone (a targeted plan: the other branches are not read).
    const result = await reconcile({
      db: deps.db,
      config,
      logger: deps.logger.child({ api: 'plan-summary', reqId: request.id }),
      now,
      mode: 'plan',
      clock: deps.clock,
      ...(q.branch !== undefined ? { target: { branchIds: [q.branch], seriesIds: [] } } : {}),
      onBranch: async (branch) => collector.add(branch.changes.map(changeToJson)),
    });
    return collector.finish(new Date(now).toISOString(), planJsonTail(result.plan, result.summary));
  });
}
