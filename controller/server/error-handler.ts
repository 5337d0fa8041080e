// Every error leaves the server as JSON `{ code, message }` with a stable code
// (http-errors.ts); 5xx details go to the log, not to the client.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ClassctlError } from '../core/errors.js';
import { isTransientDatabaseError } from '../store/database-errors.js';
import { HttpError, HttpErrorCodes, statusForClassctlError, type ErrorBody } from './http-errors.js';

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    const { status, body } = toErrorResponse(err);
    if (status >= 500) request.log.error({ err, code: body.code, url: request.url }, 'Request failed.');
    if (err instanceof HttpError && err.code === HttpErrorCodes.UNAUTHORIZED) reply.header('www-authenticate', 'Bearer realm="classctl"');
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({ code: HttpErrorCodes.ROUTE_NOT_FOUND, message: `No route ${request.method} ${request.url.split('?')[0]}. Routes: / (the web console), /healthz, /readyz, /metrics, /api/plan, /api/plan/summary, /api/schedule, /api/branches, /api/series, /api/series/:id/explain, /api/problems, /api/runs, /api/runs/:id, /api/approvals, POST /api/approvals/:id/approve, POST /api/approvals/:id/reject, POST /api/reconcile.` });
  });
}

export function toErrorResponse(err: FastifyError | Error): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) return { status: err.statusCode, body: { code: err.code, message: err.message, ...err.extra } };
  if (err instanceof ClassctlError) return { status: statusForClassctlError(err), body: { code: err.code, message: err.message } };
  const fe = err as FastifyError;
  if (fe.validation) {
    return { status: 400, body: { code: HttpErrorCodes.INVALID_REQUEST, message: `Invalid request: ${fe.message}.` } };
  }
  // A data exception (SQLSTATE class 22: a NUL byte, an out-of-range value)
  // comes from what the request sent, not from the server.
  if (/^22[0-9A-Z]{3}$/.test(String((err as { code?: unknown }).code ?? ''))) {
    return { status: 400, body: { code: HttpErrorCodes.INVALID_REQUEST, message: 'Invalid request: a value in it cannot be stored or compared by the database (such as a NUL character); correct the request.' } };
  }
  if (isTransientDatabaseError(err)) {
    return { status: 503, body: { code: 'DB_TRANSIENT', message: 'The database is unavailable right now; retry shortly.' } };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 415) return { status, body: { code: HttpErrorCodes.UNSUPPORTED_MEDIA_TYPE, message: fe.message } };
  if (status === 413) return { status, body: { code: HttpErrorCodes.PAYLOAD_TOO_LARGE, message: fe.message } };
  // Other 4xx from fastify itself: a malformed body, a bad header.
  if (status >= 400 && status < 500) return { status, body: { code: HttpErrorCodes.INVALID_REQUEST, message: fe.message } };
  return { status: 500, body: { code: HttpErrorCodes.INTERNAL_ERROR, message: 'Internal error; the server log has the details.' } };
}
