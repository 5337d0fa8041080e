// The guards every write passes, whichever command or endpoint makes it:
// the database's environment stamp must match --env / CLASSCTL_ENV, a
// database stamped production needs CLASSCTL_ALLOW_APPLY=true, and a run's
// `now` must be close to the database clock unless explicitly allowed.
import { ClassctlError } from '../core/errors.js';
import type { Sql } from '../store/database.js';
import { ENVIRONMENT_SETTING, getSetting } from '../store/settings.js';

export { ENVIRONMENT_SETTING };

export const PRODUCTION = 'production';

export interface ApplyGuardInput {
  /** --env / CLASSCTL_ENV: the environment the operator believes they are writing to. */
  expectedEnv: string | undefined;
  /** CLASSCTL_ALLOW_APPLY */
  allowApply: string | undefined;
  /** What is refused, for the message: "apply", "load", "migrate", … (default "apply"). */
  action?: string;
}

/**
 * Throws a GUARD_* ClassctlError (exit 3) when writing to this database is not
 * allowed. The messages never suggest re-stamping the database: the stamp is
 * what protects it.
 */
export async function checkApplyGuards(sql: Sql, input: ApplyGuardInput): Promise<{ environment: string | null }> {
  const environment = await getSetting(sql, ENVIRONMENT_SETTING);
  const action = input.action ?? 'apply';
  if (input.expectedEnv !== undefined && input.expectedEnv !== (environment ?? '')) {
    throw new ClassctlError(
      'GUARD_ENVIRONMENT',
      `Refusing to ${action}: this command expects environment "${input.expectedEnv}" (--env / CLASSCTL_ENV) but the database is stamped "${environment ?? '(none)'}". ` +
        'Check that --database (or DATABASE_URL) points at the database you mean and that --env / CLASSCTL_ENV names its environment; nothing was written.',
      { key: environment ?? '' },
    );
  }
  if (environment === PRODUCTION && input.allowApply !== 'true') {
    throw new ClassctlError(
      'GUARD_PRODUCTION',
      `Refusing to ${action}: the database is stamped "production" and CLASSCTL_ALLOW_APPLY is not "true". Review what would change first (the plan), then set CLASSCTL_ALLOW_APPLY=true for this command only.`,
      { key: PRODUCTION },
    );
  }
  return { environment };
}

/** How far `--now` may be from the database clock before an apply needs --allow-now-skew. */
export const NOW_SKEW_TOLERANCE_MS = 5 * 60_000;
/** How old a saved plan's `now` may be: a plan is reviewed, then applied the same day. */
export const SAVED_PLAN_MAX_AGE_MS = 24 * 60 * 60_000;

export interface NowSkewInput {
  /** The instant the run computes at (--now, or the saved plan's now). */
  now: number;
  /** --allow-now-skew: the operator means it (never honoured in production). */
  allowSkew: boolean;
  /** The database's environment stamp (from checkApplyGuards). */
  environment: string | null;
  /** How far `now` may lie after the database clock (default NOW_SKEW_TOLERANCE_MS). */
  maxAheadMs?: number;
  /** How far `now` may lie before the database clock (default NOW_SKEW_TOLERANCE_MS). */
  maxBehindMs?: number;
}

/** The database's clock: what "now" means for the rows, whatever the laptop's clock says. */
export async function databaseClock(sql: Sql): Promise<number> {
  const rows = await sql.query<{ ms: number | string }>(`SELECT (extract(epoch FROM now()) * 1000)::float8 AS ms`);
  return Math.round(Number(rows[0]!.ms));
}

/**
 * Throws GUARD_NOW_SKEW when an apply's `now` is far from the database clock:
 * a future `now` archives series and removes sessions ahead of time, a past
 * one treats real later sessions as not desired. Allowed with --allow-now-skew,
 * except on a database stamped production.
 */
export async function checkNowSkew(sql: Sql, input: NowSkewInput): Promise<void> {
  const dbNow = await databaseClock(sql);
  const ahead = input.now - dbNow;
  const maxAhead = input.maxAheadMs ?? NOW_SKEW_TOLERANCE_MS;
  const maxBehind = input.maxBehindMs ?? NOW_SKEW_TOLERANCE_MS;
  if (ahead <= maxAhead && -ahead <= maxBehind) return;
  const production = input.environment === PRODUCTION;
  if (input.allowSkew && !production) return;
  const distance = `${new Date(input.now).toISOString()} is ${describeDuration(Math.abs(ahead))} ${ahead > 0 ? 'after' : 'before'} the database clock (${new Date(dbNow).toISOString()})`;
  const limit = ahead > 0 ? maxAhead : maxBehind;
  throw new ClassctlError(
    'GUARD_NOW_SKEW',
    production
      ? `Refusing to apply: the run's instant ${distance}; a database stamped "production" is only written at its own time (within ${describeDuration(limit)}). Leave --now out, or use \`classctl simulate\` on a copy.`
      : `Refusing to apply: the run's instant ${distance}, more than ${describeDuration(limit)} away: a run at the wrong instant archives series and removes sessions. Check --now; if you mean it, run again with --allow-now-skew.`,
    { key: 'now' },
  );
}

function describeDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

export interface RemovalCount {
  scope: string;
  removals: number;
  limit: number;
}

/** Throws GUARD_MASS_REMOVAL when any count is over its limit. */
export function checkMassRemoval(counts: RemovalCount[]): void {
  const over = counts.filter((c) => c.removals > c.limit);
  if (over.length === 0) return;
  const list = over.map((c) => `${c.scope}: ${c.removals} removals, limit ${c.limit}`).join('; ');
  throw new ClassctlError(
    'GUARD_MASS_REMOVAL',
    `Refusing to apply: the plan removes more than safety.maxRemovalsPerRun allows (sessions removed and series archived both count: ${list}). Read the plan; if it is intended, run again with --allow-mass-removal or raise safety.maxRemovalsPerRun.`,
    { key: over[0]!.scope },
  );
}
