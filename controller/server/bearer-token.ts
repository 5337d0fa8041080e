// The API token every mutating endpoint asks for: `Authorization: Bearer
// <CLASSCTL_API_TOKEN>`, checked before anything else of the request is read,
// so an anonymous caller learns nothing about the request's shape. Never
// taken from the URL (it would end up in logs and browser history).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError, HttpErrorCodes, type HttpErrorCode } from './http-errors.js';

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}

/**
 * An onRequest hook: without a configured token the endpoint is disabled
 * (403 `disabledCode`), without the right bearer token 401 UNAUTHORIZED.
 */
export function requireBearerToken(apiToken: string | undefined, disabled: { code: HttpErrorCode; message: string }) {
  const expected = apiToken ? digest(apiToken) : null;
  return async (request: FastifyRequest): Promise<void> => {
    if (!expected) throw new HttpError(403, disabled.code, disabled.message);
    const presented = bearerToken(request.headers.authorization);
    if (presented === null || !timingSafeEqual(digest(presented), expected)) {
      throw new HttpError(401, HttpErrorCodes.UNAUTHORIZED, 'Send `Authorization: Bearer <token>` with the value of CLASSCTL_API_TOKEN.');
    }
  };
}
