import type { FastifyInstance } from 'fastify';
import type { TriggerReason } from '../../runtime/controller-loop.js';
import { requireBearerToken } from '../bearer-token.js';
import { HttpError, HttpErrorCodes } from '../http-errors.js';

export interface ReconcileRouteDeps {
  trigger: (reason: TriggerReason) => boolean;
  apiToken?: string;
  /** The write guards of the run it would queue (environment stamp, production flag): a refusal is answered now, 409, instead of a 202 for a run that writes nothing. */
  checkWriteGuards?: () => Promise<void>;
}

export function registerReconcileRoute(app: FastifyInstance, deps: ReconcileRouteDeps): void {
  app.post(
    '/api/reconcile',
    {
      onRequest: requireBearerToken(deps.apiToken, {
        code: HttpErrorCodes.RECONCILE_API_DISABLED,
        message: 'POST /api/reconcile is disabled: the server was started without CLASSCTL_API_TOKEN. Set it to enable the endpoint.',
      }),
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
