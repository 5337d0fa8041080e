// DESIGN §5 guards: writing needs --apply, the right environment, an explicit
// flag in production, and a plan that does not remove more than the limit.
import { ClassctlError } from '../core/errors.js';
import type { Sql } from '../store/database.js';
import { getSetting } from '../store/settings.js';

export const ENVIRONMENT_SETTING = 'environment';

export interface ApplyGuardInput {
  /** --env / CLASSCTL_ENV: the environment the operator believes they are writing to. */
  expectedEnv: string | undefined;
  /** CLASSCTL_ALLOW_APPLY */
  allowApply: string | undefined;
}

/** Throws a GUARD_* ClassctlError (exit 3) when writing to this database is not allowed. */
export async function checkApplyGuards(sql: Sql, input: ApplyGuardInput): Promise<{ environment: string | null }> {
  const environment = await getSetting(sql, ENVIRONMENT_SETTING);
  if (input.expectedEnv !== undefined && input.expectedEnv !== (environment ?? '')) {
    throw new ClassctlError(
      'GUARD_ENVIRONMENT',
      `Refusing to apply: this command expects environment "${input.expectedEnv}" (--env / CLASSCTL_ENV) but the database is stamped "${environment ?? '(none)'}". Point --database at the right database, or stamp it with \`classctl env set NAME\`.`,
      { key: environment ?? '' },
    );
  }
  if (environment === 'production' && input.allowApply !== 'true') {
    throw new ClassctlError(
      'GUARD_PRODUCTION',
      'Refusing to apply: the database is stamped "production" and CLASSCTL_ALLOW_APPLY is not "true". Review the plan first, then set CLASSCTL_ALLOW_APPLY=true for this run.',
      { key: 'production' },
    );
  }
  return { environment };
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
    `Refusing to apply: the plan removes more sessions than safety.maxRemovalsPerRun allows (${list}). Read the plan; if it is intended, run again with --allow-mass-removal or raise safety.maxRemovalsPerRun.`,
    { key: over[0]!.scope },
  );
}
