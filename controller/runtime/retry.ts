// Retries of one unit of work (a branch) on transient database errors, with a
// capped exponential backoff. The delay function is injected (as in
// @kubernetes/client-node's cache.ts) so tests record delays instead of sleeping.
import { isTransientDatabaseError } from '../store/database-errors.js';

/** Transient (a retry can cure it), looking through `cause` chains: the store decides per error code. */
export function isTransientDbError(err: unknown): boolean {
  if (isTransientDatabaseError(err)) return true;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== err && isTransientDbError(cause);
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  /** Cap on one delay: a database that is down for minutes is a failed branch, not a hung run. */
  maxDelayMs: number;
  delay: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Backoff before attempt n+1 (n ≥ 1): initial · 2^(n−1), capped. */
export function backoffDelay(policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
}

export async function withRetry<T>(
  work: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      if (!isTransientDbError(err) || attempt >= policy.maxAttempts) throw err;
      const ms = backoffDelay(policy, attempt);
      onRetry?.(err, attempt, ms);
      await policy.delay(ms);
    }
  }
}

/** A sentence fragment naming the cause, for the on-call admin: what happened, with the code. */
export function describeDbError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === '40001' || code === '40P01') return `the transaction was rolled back by a ${code === '40001' ? 'serialization failure' : 'deadlock'} (${code})`;
  if (typeof code === 'string' && isTransientDatabaseError(err)) return `the database connection was lost (${code}: ${message})`;
  return typeof code === 'string' ? `${message} (${code})` : message;
}

/**
 * Log fields for an error: a transient database error is fully said by its
 * code and the sentence (describeDbError), so no stack is logged for it; any
 * other error keeps its stack, because it is a bug to look into.
 */
export function errorLogFields(err: unknown): { code?: string; err?: unknown } {
  const code = (err as { code?: unknown } | null)?.code;
  const fields: { code?: string; err?: unknown } = typeof code === 'string' ? { code } : {};
  if (!isTransientDbError(err)) fields.err = err;
  return fields;
}
