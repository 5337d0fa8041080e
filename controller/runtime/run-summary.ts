// What a run wrote, branch by branch, as the journal, the printed summary and
// the metrics report it: counted from the branch transactions that committed,
// never from the plan. A branch skipped because another run held its lock,
// or that failed, wrote nothing and is named.
import type { BranchApplyResult } from './apply-branch.js';
import type { BranchWriteCounts } from '../store/branch-writes.js';
import type { BranchPlan } from '../core/plan-types.js';
import type { ReconcileResult } from './reconcile.js';

/** Reasons a planned change was not written because the row changed under the plan: a conflict with another writer. */
const CONFLICT_REASONS = new Set(['conflict', 'changed-since-plan', 'series-changed']);

export interface WrittenSummary {
  create: number;
  update: number;
  delete: number;
  cancel: number;
  seriesDeleted: number;
  /** Planned changes the database refused, by reason code. */
  notWritten: Record<string, number>;
  /** Of those, the ones refused because another run or the host wrote the row after the plan. */
  conflicts: number;
  /** Branches skipped because another run or replica held their lock. */
  lockedBranches: string[];
  /** Per branch that committed or was locked. */
  branches: Array<BranchWriteCounts & { branchId: string; status: BranchApplyResult['status']; recovered?: true }>;
}

type BranchCounts = Pick<BranchApplyResult, 'branchId' | 'status' | 'created' | 'updated' | 'deleted' | 'cancelled' | 'seriesArchived' | 'notWritten' | 'recovered'>;

export function writtenSummary(branches: readonly BranchCounts[]): WrittenSummary {
  const s: WrittenSummary = { create: 0, update: 0, delete: 0, cancel: 0, seriesDeleted: 0, notWritten: {}, conflicts: 0, lockedBranches: [], branches: [] };
  for (const b of branches) {
    if (b.status === 'locked') s.lockedBranches.push(b.branchId);
    s.create += b.created;
    s.update += b.updated;
    s.delete += b.deleted;
    s.cancel += b.cancelled;
    s.seriesDeleted += b.seriesArchived;
    for (const [reason, n] of Object.entries(b.notWritten ?? {})) {
      s.notWritten[reason] = (s.notWritten[reason] ?? 0) + n;
      if (CONFLICT_REASONS.has(reason)) s.conflicts += n;
    }
    const { branchId, status, created, updated, deleted, cancelled, seriesArchived } = b;
    s.branches.push({ branchId, status, created, updated, deleted, cancelled, seriesArchived, notWritten: b.notWritten ?? {}, ...(b.recovered ? { recovered: true as const } : {}) });
  }
  return s;
}

/**
 * The journal's summary: at the top the counts the run wrote (what `classctl
 * runs` shows), then per branch, the locked and failed branches, and the plan.
 */
export function journalSummary(r: ReconcileResult): Record<string, unknown> {
  return {
    ...r.written,
    skipped: r.summary.skipped,
    errors: r.summary.errors,
    failedBranches: r.failedBranches,
    ...(r.historyPruned !== undefined ? { historyPruned: r.historyPruned } : {}),
    planned: r.summary,
    ...(r.resume ? { resume: r.resume } : {}),
    ...(r.target ? { target: r.target } : {}),
  };
}

/** Adds a branch's series whose plan is empty (converged) or not; skipped series count as neither. */
export function countConvergence(b: BranchPlan, into: { seriesConverged: number; seriesChanged: number }): void {
  const withChanges = new Set(b.changes.map((c) => c.seriesId));
  const skipped = new Set(b.skippedSeries.map((s) => s.seriesId));
  into.seriesChanged += withChanges.size;
  into.seriesConverged += b.seriesIds.filter((id) => !withChanges.has(id) && !skipped.has(id)).length;
}
