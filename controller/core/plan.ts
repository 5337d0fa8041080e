// The plan of a whole run: every branch's plan plus what blocked scopes.
import type { Problem } from './errors.js';
import type { BranchPlan, Change, PlanSummary, PlanWarning } from './plan-types.js';
import type { RunTarget } from './run-target.js';

export type RunMode = 'plan' | 'apply';

export interface Plan {
  /** The run's instant, ISO UTC. */
  now: string;
  mode: RunMode;
  configDigest: string;
  branches: BranchPlan[];
  /** Problems outside any branch (config documents, load). */
  problems: Problem[];
  warnings: PlanWarning[];
  /** Versions of the series the plan read, for saved-plan staleness. */
  seriesVersions: Record<string, string>;
  /** A targeted run's --branch / --series (absent: every branch). */
  target?: RunTarget;
}

export function allChanges(plan: Pick<Plan, 'branches'>): Change[] {
  return plan.branches.flatMap((b) => b.changes);
}

/**
 * Every problem of the plan, each once: a branch document's error is the same
 * object for every series of that branch and also among the config problems.
 */
export function allProblems(plan: Pick<Plan, 'branches' | 'problems'>): Problem[] {
  return [...new Set([...plan.problems, ...plan.branches.flatMap((b) => b.problems)])];
}

export function summarizeChanges(changes: Iterable<Change>, skipped = 0, errors = 0): PlanSummary {
  const s: PlanSummary = { create: 0, update: 0, delete: 0, cancel: 0, seriesDeleted: 0, skipped, errors };
  for (const c of changes) {
    if (c.action === 'delete-series') s.seriesDeleted++;
    else s[c.action]++;
  }
  return s;
}

export function summarizePlan(plan: Plan): PlanSummary {
  const skipped = plan.branches.reduce((n, b) => n + b.skippedSeries.length, 0);
  const errors = allProblems(plan).filter((p) => p.severity === 'error').length;
  return summarizeChanges(allChanges(plan), skipped, errors);
}

/** Sessions a plan deletes or cancels: what `safety.maxRemovalsPerRun` limits. */
export function countRemovals(plan: Pick<Plan, 'branches'>): number {
  let n = 0;
  for (const b of plan.branches) for (const c of b.changes) if (c.action === 'delete' || c.action === 'cancel') n++;
  return n;
}

export function isEmptyPlan(plan: Pick<Plan, 'branches'>): boolean {
  return plan.branches.every((b) => b.changes.length === 0);
}
