// Plans held for approval (`serve --approval`): when a run's plan needs a
// person's approval, what it records instead of writing, and the saved-plan
// source an approval is applied through. The plan itself is never stored:
// a sha256 per branch over its changes proves that a re-plan at the same
// `now` is the same plan, as a saved plan file's changes do for `apply`.
import { createHash } from 'node:crypto';
import type { PlanSummary } from '../core/plan-types.js';
import type { PlanJsonChange } from '../core/render/plan-json.js';
import type { ApprovalReason, HeldPlanRecord, PlanApproval } from '../store/plan-approvals.js';
import { changeKey, earlierStart, stalePlan, type SavedPlanSource } from './saved-plan.js';

/** `serve --approval`: never (apply as planned), removals (hold a plan that deletes, cancels or archives), always (hold any change). */
export const APPROVAL_POLICIES = ['never', 'removals', 'always'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

/** Why a plan of these counts needs approval under `policy`, or null when it may be applied as it is. */
export function approvalReason(policy: ApprovalPolicy, s: Pick<PlanSummary, 'create' | 'update' | 'delete' | 'cancel' | 'seriesDeleted'>): ApprovalReason | null {
  const removals = s.delete + s.cancel + s.seriesDeleted;
  if (policy === 'removals') return removals > 0 ? 'removals' : null;
  if (policy === 'always') return removals + s.create + s.update > 0 ? 'always' : null;
  return null;
}

/** The digest of one branch's changes: sha256 over their canonical JSON, sorted (the plan's order does not matter, as for a saved plan). */
export function branchChangesDigest(changes: readonly PlanJsonChange[]): string {
  const h = createHash('sha256');
  for (const key of changes.map(changeKey).sort()) h.update(key).update('\n');
  return h.digest('hex');
}

/** A held plan's fingerprint: what the applying run records, so the plan is applied once. */
export function heldPlanFingerprint(p: Pick<HeldPlanRecord, 'nowMs' | 'configDigest' | 'seriesVersions' | 'branchDigests'>): string {
  const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const body = JSON.stringify({ now: new Date(p.nowMs).toISOString(), configDigest: p.configDigest, seriesVersions: sorted(p.seriesVersions), branchDigests: sorted(p.branchDigests) });
  return `approval:sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** Folds a held plan branch by branch: digests, the earliest session touched, booked sessions changed. */
export interface HeldPlanDigest {
  add(branchId: string, changes: readonly PlanJsonChange[]): void;
  finish(o: { nowMs: number; reason: ApprovalReason; configDigest: string; seriesVersions: Record<string, string>; summary: PlanSummary & { skippedByDst: number }; warnings: number }): HeldPlanRecord;
}

export function createHeldPlanDigest(): HeldPlanDigest {
  const branchDigests: Record<string, string> = {};
  let earliestStart: HeldPlanRecord['earliestStart'] = null;
  let bookingsAffected = 0;
  return {
    add(branchId, changes) {
      if (changes.length === 0) return;
      branchDigests[branchId] = branchChangesDigest(changes);
      for (const c of changes) {
        earliestStart = earlierStart(earliestStart, c);
        if ((c.bookedCount ?? 0) > 0) bookingsAffected++;
      }
    },
    finish(o) {
      const base = { nowMs: o.nowMs, reason: o.reason, configDigest: o.configDigest, seriesVersions: o.seriesVersions, branchDigests };
      return {
        ...base,
        fingerprint: heldPlanFingerprint(base),
        earliestStart,
        totals: { ...o.summary, archive: o.summary.seriesDeleted, bookingsAffected, warnings: o.warnings },
      };
    },
  };
}

const HELD_PLAN_ADVICE = 'Nothing was written; the next run plans again and holds the new plan for approval.';

function stale(why: string): never {
  stalePlan(why, HELD_PLAN_ADVICE);
}

/**
 * An approval as the saved plan a run applies: the run re-plans at the
 * approval's `now`, and each branch's changes must have the digest the held
 * plan recorded (a branch with changes now and none then, or the reverse,
 * is a difference too). Inputs and started sessions are checked as for a
 * plan file.
 */
export function approvalAsSavedPlan(a: PlanApproval): SavedPlanSource {
  const unchecked = new Set(Object.keys(a.branchDigests));
  return {
    fingerprint: a.fingerprint,
    configDigest: a.configDigest,
    seriesVersions: a.seriesVersions,
    target: null,
    staleAdvice: HELD_PLAN_ADVICE,
    earliestStart: a.earliestStart,
    async changesOf() {
      throw new Error('an approval is compared by digest (checkBranch), not change by change');
    },
    checkBranch(branchId, changes) {
      unchecked.delete(branchId);
      const held = a.branchDigests[branchId];
      if (changes.length === 0 && held === undefined) return;
      if (held === undefined) stale(`branch ${branchId} has changes now that the held plan did not have`);
      if (changes.length === 0) stale(`the held plan's changes of branch ${branchId} are no longer what a plan would do now`);
      if (branchChangesDigest(changes) !== held) stale(`the sessions of branch ${branchId} changed since the plan was held`);
    },
    async leftover() {
      const branchId = [...unchecked][0];
      if (branchId !== undefined) stale(`branch ${branchId}, which the held plan changes, is not planned any more`);
      return null;
    },
  };
}
