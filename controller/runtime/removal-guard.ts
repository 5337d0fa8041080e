// What safety.maxRemovalsPerRun counts: sessions deleted or cancelled AND
// series archived, per branch (against that branch's resolved limit) and for
// the whole run (against the base document's limit) — a run that removes a
// little in each of many branches is still a mass removal.
import type { ConfigSet } from '../core/config/config-set.js';
import { addDays, localDateAt } from '../core/generation/local-date.js';
import { isValidTimeZone } from '../core/generation/series-validation.js';
import type { Plan } from '../core/plan.js';
import type { Branch, ClassSeries } from '../core/types.js';
import type { RemovalCount } from './guards.js';

/** Changes that take something away: a session deleted or cancelled, a series archived. */
export function removalsOf(changes: ReadonlyArray<{ action: string }>): number {
  let n = 0;
  for (const c of changes) if (c.action === 'delete' || c.action === 'cancel' || c.action === 'delete-series') n++;
  return n;
}

/** The base document's limit, the one the whole run is held to; null when there is no usable base. */
export function runRemovalLimit(config: ConfigSet): number | null {
  const base = config.documents.filter((d) => d.scope.kind === 'base');
  if (base.length !== 1) return null;
  const safety = base[0]!.settings.safety as { maxRemovalsPerRun?: unknown } | undefined;
  return typeof safety?.maxRemovalsPerRun === 'number' ? safety.maxRemovalsPerRun : null;
}

/**
 * Series that branches not planned yet will archive (an apply plans a branch
 * with no observed session only when it reaches it): every series past
 * `end_date + cleanup.deleteSeriesAfterDays` at `now`. Counted before anything
 * is written, so a run at a mistyped future `now` — which observes no session
 * at all — still meets the guard.
 */
export function archivesAhead(
  notPlanned: ReadonlySet<string>,
  inputs: { branches: readonly Branch[]; series: ReadonlyArray<Pick<ClassSeries, 'id' | 'branchId' | 'endDate'>> },
  config: ConfigSet,
  now: number,
): Map<string, number> {
  const counts = new Map<string, number>();
  const today = new Map<string, string>();
  for (const b of inputs.branches) {
    if (!notPlanned.has(b.id)) continue;
    counts.set(b.id, 0);
    if (isValidTimeZone(b.timezone)) today.set(b.id, localDateAt(now, b.timezone));
  }
  for (const s of inputs.series) {
    const day = today.get(s.branchId);
    if (day === undefined || s.endDate === null) continue;
    const resolved = config.resolve(s.branchId, s.id);
    if (!resolved.ok || !resolved.settings.generation.enabled) continue;
    if (day > addDays(s.endDate, resolved.settings.cleanup.deleteSeriesAfterDays)) counts.set(s.branchId, counts.get(s.branchId)! + 1);
  }
  return counts;
}

/**
 * One count per branch with a resolvable configuration, then one for the run.
 * `notPlanned`: removals of branches whose plan is not computed yet (archivesAhead).
 */
export function removalCounts(plan: Pick<Plan, 'branches'>, config: ConfigSet, notPlanned: ReadonlyMap<string, number> = new Map()): RemovalCount[] {
  const counts: RemovalCount[] = [];
  let total = 0;
  const branches = plan.branches.map((b) => ({ branchId: b.branchId, removals: removalsOf(b.changes) }));
  for (const [branchId, removals] of notPlanned) branches.push({ branchId, removals });
  for (const { branchId, removals } of branches) {
    total += removals;
    const resolved = config.resolve(branchId);
    if (!resolved.ok) continue;
    counts.push({ scope: `branch ${branchId}`, removals, limit: resolved.settings.safety.maxRemovalsPerRun });
  }
  const limit = runRemovalLimit(config);
  if (limit !== null) counts.push({ scope: 'the whole run', removals: total, limit });
  return counts;
}
