// The HTTP API's error catalogue: every error response is JSON
// `{ code, message }` with one of these stable codes (or a ClassctlError code
// from core/errors.ts, passed through), so clients branch on `code`, never on
// the wording of `message`.
import { ClassctlError } from '../core/errors.js';

export const HttpErrorCodes = {
  /** The query, path or body failed its JSON schema. */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** POST /api/reconcile without `Authorization: Bearer <CLASSCTL_API_TOKEN>`. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** POST /api/reconcile while the server has no CLASSCTL_API_TOKEN. */
  RECONCILE_API_DISABLED: 'RECONCILE_API_DISABLED',
  /** Approving or rejecting a plan while the server has no CLASSCTL_API_TOKEN (or no controller loop). */
  WRITE_API_DISABLED: 'WRITE_API_DISABLED',
  /** An approval id plan_approvals does not have. */
  APPROVAL_NOT_FOUND: 'APPROVAL_NOT_FOUND',
  SERIES_NOT_FOUND: 'SERIES_NOT_FOUND',
  /** A branch id the database does not have (GET /api/schedule). */
  BRANCH_NOT_FOUND: 'BRANCH_NOT_FOUND',
  /** A run id the journal does not have (GET /api/runs/:id). */
  RUN_NOT_FOUND: 'RUN_NOT_FOUND',
  /** The branch's time zone is not an IANA zone: its local dates cannot be computed. */
  BRANCH_TIMEZONE: 'BRANCH_TIMEZONE',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  /** The server is shutting down and takes no more triggers. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** /readyz: one of its checks failed (the body lists which). */
  NOT_READY: 'NOT_READY',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

export type HttpErrorCode = (typeof HttpErrorCodes)[keyof typeof HttpErrorCodes];

export interface ErrorBody {
  code: string;
  message: string;
  [extra: string]: unknown;
}

/** An error a route throws on purpose, with its status. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: HttpErrorCode;
  readonly extra: Record<string, unknown>;
  constructor(statusCode: number, code: HttpErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.extra = extra;
  }
}

/** The status of a ClassctlError escaping a route, by its code. */
export function statusForClassctlError(err: ClassctlError): number {
  if (err.code === 'NOT_FOUND') return 404;
  if (err.code === 'USAGE') return 400;
  if (err.code.startsWith('CONFIG_') || err.code === 'LOAD_INVALID') return 422;
  if (err.code.startsWith('GUARD_') || err.code === 'PLAN_STALE' || err.code === 'PLAN_ALREADY_APPLIED' || err.code === 'APPROVAL_NOT_PENDING' || err.code === 'BRANCH_LOCKED') return 409;
  if (err.code.startsWith('DB_')) return 503;
  return 500;
}
