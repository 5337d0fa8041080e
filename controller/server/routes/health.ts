import type { FastifyInstance } from 'fastify';
import { HttpErrorCodes } from '../http-errors.js';
import { checkReadiness, type ReadinessDeps } from '../readiness.js';

export function registerHealthRoutes(app: FastifyInstance, deps: ReadinessDeps): void {
  // Liveness: the process answers. Nothing else, so a database outage never
  // gets the controller restarted in a loop (readiness reports it instead).
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const r = await checkReadiness(deps);
    if (r.ready) return { status: 'ready', checks: r.checks };
    const failed = Object.entries(r.checks).filter(([, c]) => !c.ok);
    return reply.code(503).send({
      code: HttpErrorCodes.NOT_READY,
      message: `Not ready: ${failed.map(([name, c]) => `${name}: ${c.message}`).join(' ')}`,
      reasons: failed.map(([name]) => name),
      checks: r.checks,
    });
  });
}
