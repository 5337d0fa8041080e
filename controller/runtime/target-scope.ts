// A targeted run at run time: what it reads of its input snapshot, and what
// it sees of a partial branch's sessions (those of its targeted series only,
// so the sessions of the branch's other series are neither compared nor
// removed). The rule itself is core/run-target.ts.
import { isPartialBranch, scopeInputs, targetsSeries, type ResolvedTarget } from '../core/run-target.js';
import type { InputSnapshot } from './plan-run.js';
import type { ObservedBranch } from './observe-branches.js';

/** The snapshot as the targeted run plans it: its branches and series; archived ids stay whole. */
export function scopeSnapshot(resolved: ResolvedTarget | null | undefined, snapshot: InputSnapshot): InputSnapshot {
  if (!resolved) return snapshot;
  return { ...scopeInputs(resolved, snapshot), archivedSeriesIds: snapshot.archivedSeriesIds };
}

/**
 * The versions of the series a run plans: what a saved plan records and is
 * compared with, so a series edited outside the target does not make a
 * targeted plan stale.
 */
export function targetSeriesVersions(resolved: ResolvedTarget | null | undefined, snapshot: Pick<InputSnapshot, 'branches' | 'series'>): Record<string, string> {
  return Object.fromEntries(scopeInputs(resolved, snapshot).series.map((s) => [s.id, s.version]));
}

/** Observations with the sessions and digests of a partial branch's other series taken out. */
export function withinTarget(resolved: ResolvedTarget | null | undefined, observations: Map<string, ObservedBranch>): Map<string, ObservedBranch> {
  if (!resolved) return observations;
  for (const [branchId, o] of observations) {
    if (!isPartialBranch(resolved, branchId)) continue;
    const observed = o.observed.filter((s) => targetsSeries(resolved, branchId, s.seriesId));
    const digests = o.digests === null ? null : o.digests.filter((d) => targetsSeries(resolved, branchId, d.seriesId));
    observations.set(branchId, { ...o, observed, digests, empty: observed.length === 0 && (digests === null || digests.length === 0) });
  }
  return observations;
}
