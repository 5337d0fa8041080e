// When a failed delivery is tried again: exponential backoff with full
// jitter, capped, and dead-lettered after a limit. The random source is passed
// in, like the clock, so a test reads the schedule instead of sleeping.

/** 8 attempts span about 40 minutes with the defaults: long enough for a receiver's deploy or short outage. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 10_000, maxMs: 15 * 60_000, maxAttempts: 8 };

export interface BackoffPolicy {
  /** The delay before the second attempt, before jitter. */
  baseMs: number;
  /** No delay is longer (a receiver back after an hour should not wait another hour). */
  maxMs: number;
  /** After this many failed attempts the delivery is dead (kept, shown by `notifications --dead`, retried by hand). */
  maxAttempts: number;
}

/**
 * The delay after failed attempt number `attempts` (1 = the first attempt
 * failed): `min(maxMs, baseMs·2^(attempts−1))`, of which the upper half is
 * drawn at random ("equal jitter") so replicas that failed together spread out
 * but none retries at once. `random` returns [0, 1).
 */
export function retryDelayMs(attempts: number, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

export type AfterFailure = { kind: 'retry'; at: number } | { kind: 'dead' };

/** What happens after failed attempt number `attempts` at instant `now`. */
export function afterFailure(attempts: number, now: number, policy: BackoffPolicy, random: () => number): AfterFailure {
  if (attempts >= policy.maxAttempts) return { kind: 'dead' };
  return { kind: 'retry', at: now + retryDelayMs(attempts, policy, random) };
}
