// Plans held for approval (`serve --approval removals|always`): the list,
// and approving or rejecting one. Approving applies exactly the held plan
// (re-planned at its `now`, compared by digest) and answers when the run has
// finished, with its id; anything changed since → 409 PLAN_STALE, nothing
// written. Both POSTs need the API token and pass the write guards.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClassctlError, ErrorCodes } from '../../core/errors.js';
import type { ApprovalActions } from '../../runtime/approve-plan.js';
import type { Sql } from '../../store/database.js';
import { findApproval, listApprovals, type PlanApproval } from '../../store/plan-approvals.js';
import { requireBearerToken } from '../bearer-token.js';
import { HttpError, HttpErrorCodes } from '../http-errors.js';

export const MAX_APPROVALS_LIMIT = 100;

export interface ApprovalRouteDeps {
  db: Sql;
  apiToken?: string;
  /** Absent: approving and rejecting are disabled (403). */
  approvals?: ApprovalActions;
  checkWriteGuards?: () => Promise<void>;
}

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,15}$' } },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['pending', 'approved', 'superseded', 'rejected', 'all'], default: 'all' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_APPROVALS_LIMIT, default: 20 },
  },
} as const;

/** An approval as the API shows it (the digests that prove the plan stay in the database). */
export function approvalToJson(a: PlanApproval) {
  return {
    id: a.id,
    createdAt: a.createdAt,
    now: new Date(a.nowMs).toISOString(),
    reason: a.reason,
    totals: a.totals,
    status: a.status,
    heldRunId: a.heldRunId,
    decidedAt: a.decidedAt,
    appliedRunId: a.appliedRunId,
    /** What to show: GET /api/plan/summary at the held plan's `now` re-plans it. */
    planUrl: `/api/plan/summary?now=${encodeURIComponent(new Date(a.nowMs).toISOString())}`,
  };
}

export function registerApprovalRoutes(app: FastifyInstance, deps: ApprovalRouteDeps): void {
  app.get<{ Querystring: { status: PlanApproval['status'] | 'all'; limit: number } }>('/api/approvals', { schema: { querystring: listQuery } }, async (request) => {
    const { status, limit } = request.query;
    const approvals = await listApprovals(deps.db, { status: status === 'all' ? undefined : status, limit });
    return { policy: deps.approvals?.policy ?? 'never', approvals: approvals.map(approvalToJson) };
  });

  app.get<{ Params: { id: string } }>('/api/approvals/:id', { schema: { params: idParams } }, async (request) => {
    const a = await findApproval(deps.db, request.params.id);
    if (!a) throw notFound(request.params.id);
    return approvalToJson(a);
  });

  const onRequest = requireBearerToken(deps.apiToken, {
    code: HttpErrorCodes.WRITE_API_DISABLED,
    message: 'Approving and rejecting plans is disabled: the server was started without CLASSCTL_API_TOKEN. Set it to enable them.',
  });
  const actions = (): ApprovalActions => {
    if (!deps.approvals) throw new HttpError(403, HttpErrorCodes.WRITE_API_DISABLED, 'This server does not approve plans (it runs no controller loop).');
    return deps.approvals;
  };
  const decide = async <T>(request: FastifyRequest<{ Params: { id: string } }>, act: (a: ApprovalActions, id: string) => Promise<T>): Promise<T> => {
    const a = actions();
    if (deps.checkWriteGuards) await deps.checkWriteGuards();
    try {
      return await act(a, request.params.id);
    } catch (err) {
      if (err instanceof ClassctlError && err.code === ErrorCodes.NOT_FOUND) throw notFound(request.params.id);
      throw err;
    }
  };

  app.post<{ Params: { id: string } }>('/api/approvals/:id/approve', { onRequest, schema: { params: idParams } }, async (request) =>
    decide(request, async (a, id) => {
      const { approval, result } = await a.approve(id);
      const w = result.written;
      return {
        approvalId: id,
        status: approval.status,
        runId: result.runId,
        outcome: result.outcome,
        written: { create: w.create, update: w.update, delete: w.delete, cancel: w.cancel, seriesDeleted: w.seriesDeleted, conflicts: w.conflicts },
      };
    }),
  );

  app.post<{ Params: { id: string } }>('/api/approvals/:id/reject', { onRequest, schema: { params: idParams } }, async (request) =>
    decide(request, async (a, id) => approvalToJson(await a.reject(id))),
  );
}

function notFound(id: string): HttpError {
  return new HttpError(404, HttpErrorCodes.APPROVAL_NOT_FOUND, `No approval ${id}; GET /api/approvals lists them.`, { key: id });
}
