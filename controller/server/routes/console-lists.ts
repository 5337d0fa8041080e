// The console's lists: branches (with the rooms and instructors to filter
// by), series (live and archived, a page at a time) and the configuration's
// problems as `classctl validate --output json` reports them. All read-only.
import type { FastifyInstance } from 'fastify';
import type { ConfigSet } from '../../core/config/config-set.js';
import { validationToJson } from '../../core/config/render-validation.js';
import { listBranchResources } from '../../store/branch-resources.js';
import type { Sql } from '../../store/database.js';
import { listSeries } from '../../store/series-list.js';
import { HttpError, HttpErrorCodes } from '../http-errors.js';
import { CURSOR, ID, decodeCursor, encodeCursor } from '../query-schemas.js';

export const MAX_BRANCHES = 1000;
/** Rooms, and instructors, listed per branch. */
export const MAX_RESOURCES_PER_BRANCH = 500;
export const MAX_SERIES_LIMIT = 1000;
export const DEFAULT_SERIES_LIMIT = 100;

const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;

const seriesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    branch: ID,
    status: { type: 'string', enum: ['active', 'archived', 'all'], default: 'all' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_SERIES_LIMIT, default: DEFAULT_SERIES_LIMIT },
    cursor: CURSOR,
  },
} as const;

interface SeriesCursor {
  id: string;
  archived: boolean;
}

const isSeriesCursor = (v: unknown): v is SeriesCursor =>
  typeof v === 'object' && v !== null && typeof (v as SeriesCursor).id === 'string' && typeof (v as SeriesCursor).archived === 'boolean';

export function registerConsoleListRoutes(app: FastifyInstance, deps: { db: Sql; loadConfig: () => Promise<ConfigSet> }): void {
  app.get('/api/branches', { schema: { querystring: noQuery } }, async () => {
    const r = await listBranchResources(deps.db, { maxBranches: MAX_BRANCHES, maxPerBranch: MAX_RESOURCES_PER_BRANCH });
    return { branches: r.branches, truncated: r.truncated };
  });

  app.get<{ Querystring: { branch?: string; status: 'active' | 'archived' | 'all'; limit: number; cursor?: string } }>('/api/series', { schema: { querystring: seriesQuery } }, async (request) => {
    const q = request.query;
    let after: SeriesCursor | undefined;
    if (q.cursor !== undefined) {
      after = decodeCursor(q.cursor, isSeriesCursor) ?? undefined;
      if (!after) throw new HttpError(400, HttpErrorCodes.INVALID_REQUEST, 'Invalid request: cursor is not one this server gave; pass nextCursor from the previous page as it is.');
    }
    const page = await listSeries(deps.db, { branchId: q.branch, status: q.status, limit: q.limit, after });
    const last = page.items[page.items.length - 1];
    return { series: page.items, nextCursor: page.more && last ? encodeCursor({ id: last.id, archived: last.archived }) : null };
  });

  // Problems of the configuration documents the server reads now (the
  // notification destinations are not among them: `classctl validate` checks those).
  app.get('/api/problems', { schema: { querystring: noQuery } }, async () => validationToJson(await deps.loadConfig()));
}
