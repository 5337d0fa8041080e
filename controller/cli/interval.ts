// Every duration option (`serve --interval`, `--shutdown-timeout`,
// `--resync-period`, `simulate --every`): 30s, 5m, 1h, 1500ms, or an ISO 8601
// duration of fixed length (PT5M, PT1H30M, P1D).
import { Temporal } from '@js-temporal/polyfill';
import { ClassctlError } from '../core/errors.js';

const SHORT = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
/** setTimeout cannot wait longer than 2^31-1 ms (24.8 days); a day is already a long interval for a controller. */
export const MAX_DURATION_MS = 24 * 3_600_000;
/** `simulate --every`: ticks a month apart are the coarsest a simulation of a schedule is useful with. */
export const MAX_SIMULATION_STEP_MS = 31 * 24 * 3_600_000;
/** `--resync-period` of reconcile and serve: a branch may go a month at most without a full proof. */
export const MAX_RESYNC_PERIOD_MS = 30 * 24 * 3_600_000;

export function parseDurationOption(option: string, text: string, maxMs: number = MAX_DURATION_MS): number {
  const value = text.trim();
  let ms: number;
  const short = SHORT.exec(value);
  if (short) {
    ms = Number(short[1]) * UNIT_MS[short[2] as keyof typeof UNIT_MS];
  } else {
    try {
      const d = Temporal.Duration.from(value.toUpperCase());
      if (d.years || d.months || d.weeks) throw new RangeError('calendar units have no fixed length');
      ms = d.total({ unit: 'milliseconds' });
    } catch {
      throw new ClassctlError('USAGE', `${option} "${text}" is not a duration: use 30s, 5m, 1h, or ISO 8601 such as PT5M.`, { key: option });
    }
  }
  if (!(ms >= 1)) throw new ClassctlError('USAGE', `${option} must be positive, got "${text}".`, { key: option });
  if (ms > maxMs) {
    const most = `${Math.round(maxMs / 3_600_000)}h`;
    throw new ClassctlError('USAGE', `${option} "${text}" is longer than ${most}; use ${most} or less.`, { key: option });
  }
  return Math.round(ms);
}
