import type { FastifyInstance } from 'fastify';
import type { ConfigSet } from '../../core/config/config-set.js';
import { explainConfig, explainToJson } from '../../core/config/render-explain.js';
import type { Sql } from '../../store/database.js';
import { readSeriesWithZone } from '../../store/inputs.js';
import { HttpError, HttpErrorCodes } from '../http-errors.js';

const params = {
  type: 'object',
  required: ['id'],
  // A series id has no control characters (load refuses them); a NUL byte
  // would reach PostgreSQL as an invalid text parameter.
  properties: { id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' } },
} as const;

export function registerExplainRoute(app: FastifyInstance, deps: { db: Sql; loadConfig: () => Promise<ConfigSet> }): void {
  // The resolved settings of one series and the document that set each field,
  // and each session field's value and source, as `classctl explain SERIES_ID
  // --output json` prints them. An invalid scope is an
  // answer (valid: false, with its problems), not an HTTP error.
  app.get<{ Params: { id: string } }>('/api/series/:id/explain', { schema: { params } }, async (request) => {
    const seriesId = request.params.id;
    const row = await readSeriesWithZone(deps.db, seriesId);
    if (!row) {
      throw new HttpError(404, HttpErrorCodes.SERIES_NOT_FOUND, `No class series "${seriesId}" in class_series; check the id (archived series have no settings any more).`);
    }
    const config = await deps.loadConfig();
    return explainToJson(explainConfig(config, row.series.branchId, seriesId, row));
  });
}
