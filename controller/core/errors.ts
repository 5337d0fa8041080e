// The error catalogue: every error has a stable code, the key of what failed
// (document, series, branch, row) and, where it applies, a JSON pointer.

export const ErrorCodes = {
  CONFIG_UNPARSABLE: 'CONFIG_UNPARSABLE',
  CONFIG_UNREADABLE: 'CONFIG_UNREADABLE',
  CONFIG_SHAPE: 'CONFIG_SHAPE',
  CONFIG_SCHEMA: 'CONFIG_SCHEMA',
  CONFIG_UNKNOWN_FIELD: 'CONFIG_UNKNOWN_FIELD',
  CONFIG_CONFLICT: 'CONFIG_CONFLICT',
  CONFIG_NO_BASE: 'CONFIG_NO_BASE',
  CONFIG_BASE_INVALID: 'CONFIG_BASE_INVALID',
  CONFIG_RESOLVED_INVALID: 'CONFIG_RESOLVED_INVALID',
  CONFIG_UNKNOWN_TARGET: 'CONFIG_UNKNOWN_TARGET',
  CONFIG_SCOPE_FIELD: 'CONFIG_SCOPE_FIELD',
  CONFIG_HOLIDAY_CALENDAR: 'CONFIG_HOLIDAY_CALENDAR',
  SERIES_INVALID: 'SERIES_INVALID',
  SERIES_RRULE: 'SERIES_RRULE',
  SERIES_EXPANSION_CAP: 'SERIES_EXPANSION_CAP',
  BRANCH_TIMEZONE: 'BRANCH_TIMEZONE',
  LOAD_INVALID: 'LOAD_INVALID',
  PLAN_STALE: 'PLAN_STALE',
  PLAN_ALREADY_APPLIED: 'PLAN_ALREADY_APPLIED',
  APPROVAL_NOT_PENDING: 'APPROVAL_NOT_PENDING',
  GUARD_ENVIRONMENT: 'GUARD_ENVIRONMENT',
  GUARD_PRODUCTION: 'GUARD_PRODUCTION',
  GUARD_MASS_REMOVAL: 'GUARD_MASS_REMOVAL',
  GUARD_NOW_SKEW: 'GUARD_NOW_SKEW',
  GUARD_DEMO_DATABASE: 'GUARD_DEMO_DATABASE',
  DB_TRANSIENT: 'DB_TRANSIENT',
  DB_ERROR: 'DB_ERROR',
  DB_NOT_MIGRATED: 'DB_NOT_MIGRATED',
  DB_HASHES_DIFFER: 'DB_HASHES_DIFFER',
  DB_ENCODING: 'DB_ENCODING',
  BRANCH_LOCKED: 'BRANCH_LOCKED',
  CONTEXTS_FILE: 'CONTEXTS_FILE',
  CONTEXT_UNKNOWN: 'CONTEXT_UNKNOWN',
  CONTEXT_DATABASE_UNSET: 'CONTEXT_DATABASE_UNSET',
  USAGE: 'USAGE',
  NOT_FOUND: 'NOT_FOUND',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** A problem with an input, reported and carried as data (not thrown across scopes). */
export interface Problem {
  code: ErrorCode;
  /** What the problem blocks: `base`, `branch:ID`, `series:ID`, `file`, `row:N`. */
  scope: string;
  /** The document name (config) or the series / branch id. */
  document?: string;
  /** File path or other origin of the document. */
  origin?: string;
  /** JSON pointer to the offending field, RFC 6901 (`/spec/settings/dst/ambiguousTime`). */
  pointer: string;
  /** A sentence that says what is wrong and what to do. */
  message: string;
  severity: 'error' | 'warning';
}

export class ClassctlError extends Error {
  readonly code: ErrorCode;
  readonly key: string | undefined;
  readonly problems: Problem[];
  constructor(code: ErrorCode, message: string, opts: { key?: string; problems?: Problem[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ClassctlError';
    this.code = code;
    this.key = opts.key;
    this.problems = opts.problems ?? [];
  }
}

/** RFC 6901 escaping of one reference token. */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function joinPointer(...tokens: Array<string | number>): string {
  return tokens.map((t) => '/' + pointerToken(t)).join('');
}
