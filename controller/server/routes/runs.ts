import type { FastifyInstance } from 'fastify';
import type { Sql } from '../../store/database.js';
import { runChangeCounts, runEventsPage, type EventCursor } from '../../store/history.js';
import { findRun, listRuns } from '../../store/runs.js';
import { runToJson } from '../../core/render/runs.js';
import { HttpError, HttpErrorCodes } from '../http-errors.js';
import { CURSOR, decodeCursor, encodeCursor } from '../query-schemas.js';

/** Enough for a dashboard of the last day at a 5-minute interval, small enough to stay cheap. */
export const MAX_RUNS_LIMIT = 500;
export const DEFAULT_RUNS_LIMIT = 20;
/** A run's changes per page: a first apply writes hundreds of thousands, the console pages through them. */
export const MAX_RUN_CHANGES_LIMIT = 1000;
export const DEFAULT_RUN_CHANGES_LIMIT = 100;

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_RUNS_LIMIT, default: DEFAULT_RUNS_LIMIT } },
} as const;

const runParams = {
  type: 'object',
  required: ['id'],
  // A run id is a bigserial: a positive whole number, as `classctl runs` lists them.
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,15}$' } },
} as const;

const runQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: MAX_RUN_CHANGES_LIMIT, default: DEFAULT_RUN_CHANGES_LIMIT },
    cursor: CURSOR,
  },
} as const;

const isEventCursor = (v: unknown): v is EventCursor =>
  typeof v === 'object' && v !== null && /^[0-9]{1,19}$/.test(String((v as EventCursor).rowId)) && /^[0-9]{1,19}$/.test(String((v as EventCursor).ordinal));

export function registerRunsRoute(app: FastifyInstance, deps: { db: Sql }): void {
  app.get<{ Querystring: { limit: number } }>('/api/runs', { schema: { querystring } }, async (request) => {
    const runs = await listRuns(deps.db, request.query.limit);
    return { runs: runs.map(runToJson) };
  });

  // One run of the journal and what it changed (its history events, oldest
  // first, a page at a time), with counts by kind per branch. A run that
  // wrote nothing, or one from before history was recorded, has no changes.
  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string } }>('/api/runs/:id', { schema: { params: runParams, querystring: runQuery } }, async (request) => {
    const { id } = request.params;
    let after: EventCursor | null = null;
    if (request.query.cursor !== undefined) {
      after = decodeCursor(request.query.cursor, isEventCursor);
      if (after === null) throw new HttpError(400, HttpErrorCodes.INVALID_REQUEST, 'Invalid request: cursor is not one this server gave; pass nextCursor from the previous page as it is.');
    }
    const run = await findRun(deps.db, id);
    if (!run) throw new HttpError(404, HttpErrorCodes.RUN_NOT_FOUND, `No run ${id} in the journal; GET /api/runs lists the recent ones.`, { key: id });
    const page = await runEventsPage(deps.db, id, request.query.limit, after);
    // Counts are per branch and kind: a few rows however many changes the run wrote.
    const branches = after === null ? await runChangeCounts(deps.db, id) : undefined;
    return {
      run: runToJson(run),
      ...(branches ? { branches } : {}),
      changes: page.events,
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
  });
}
