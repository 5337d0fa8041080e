import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TriggerReason } from '../../runtime/controller-loop.js';
import { HttpError, HttpErrorCodes } from '../http-errors.js';

export interface ReconcileRouteDeps {
  trigger: (reason: TriggerReason) => boolean;
  apiToken?: string;
  /** The write guards of the run it would queue (environment stamp, production flag): a refusal is answered now, 409, instead of a 202 for a run that writes nothing. */
  checkWriteGuards?: () => Promise<void>;
}

export function registerReconcileRoute(app: FastifyInstance, deps: ReconcileRouteDeps): void {
  const expected = deps.apiToken ? digest(deps.apiToken) : null;
  app.post(
    '/api/reconcile',
    {
      // Authorization before anything else is read: an anonymous caller learns nothing about the request's shape.
      onRequest: async (request: FastifyRequest) => {
        if (!expected) {
          throw new HttpError(403, HttpErrorCodes.RECONCILE_API_DISABLED, 'POST /api/reconcile is disabled: the server was started without CLASSCTL_API_TOKEN. Set it to enable the endpoint.');
        }
        const presented = bearerToken(request.headers.authorization);
        if (presented === null || !timingSafeEqual(digest(presented), expected)) {
          throw new HttpError(401, HttpErrorCodes.UNAUTHORIZED, 'Send `Authorization: Bearer <token>` with the value of CLASSCTL_API_TOKEN.');
        }
      },
    },
    async (_request, reply) => {
      if (deps.checkWriteGuards) await deps.checkWriteGuards();
      if (!deps.trigger('api')) {
        throw new HttpError(503, HttpErrorCodes.SHUTTING_DOWN, 'The server is shutting down and takes no more runs; send it to another replica.');
      }
      // Accepted, not done: the run starts now, or right after the one in progress.
      return reply.code(202).send({ queued: true });
    },
  );
}

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}
