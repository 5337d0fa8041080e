// What an apply's planning pass keeps for the writes. The mass-removal guard
// needs every removal of the run before anything is written, so every branch
// with something observed is planned first and its removals counted; its
// changes are kept for its write only within a budget. A branch past it is
// planned again when the apply reaches it, and written only if the guard's
// counts still hold for it.
import { createHash } from 'node:crypto';
import type { BranchPlan, Change, ChangeAction } from '../core/plan-types.js';
import { changeToJson } from '../core/render/plan-json.js';
import type { PendingBranch } from './plan-run.js';
import { removalsOf } from './removal-guard.js';

/**
 * Changes kept between the planning pass and the writes, counted in
 * creates: a create holds its desired session (~0.5 KB), any other change
 * the row before and after as well (1–3 KB), so it counts as
 * HELD_WEIGHT_OF_OTHER_CHANGES creates. A first apply has nothing observed
 * and plans each branch only when it is written. At 100,000 series a day
 * roll (~44,000 creates) fits, so no branch of it is planned twice; an edit
 * of one series in ten (~245,000 updates) keeps 12,500 of them and plans the
 * branches past that again. Counted as changes, with 20,000, the day roll
 * planned more than half of its branches twice, and the edit peaked at
 * 396–401 MB of RSS (at 25,000: 398 MB, at 50,000: 442 MB).
 */
export const HELD_CHANGES_BUDGET = 50_000;
export const HELD_WEIGHT_OF_OTHER_CHANGES = 4;

/** A plan's weight against the budget: its creates, and each other change as several. */
export function heldWeight(changes: readonly Change[]): number {
  let weight = 0;
  for (const c of changes) weight += c.action === 'create' ? 1 : HELD_WEIGHT_OF_OTHER_CHANGES;
  return weight;
}

export interface HeldPlans {
  /** The planning pass, in branch order: counts the branch's removals and keeps its plan or lets go of it. */
  count(branch: PendingBranch, plan: BranchPlan): void;
  /** Removals counted for a branch planned in the first pass. */
  removals(branchId: string): number | undefined;
  /** The changes of every branch planned in the first pass, by action (what an approval policy decides on). */
  planned(): Record<ChangeAction, number>;
  /**
   * Before a write: why a branch planned again (or planned only now, with
   * `ahead` removals counted for it from the snapshot) must not be written,
   * or null. For a saved plan, a branch planned again must be exactly the
   * plan compared with the file.
   */
  refusal(branch: PendingBranch, plan: BranchPlan, ahead: number): string | null;
}

/**
 * `savedPlan`: the run applies a saved plan, so a branch planned again must
 * be exactly its first plan (only then are the changes fingerprinted).
 */
export function createHeldPlans(budget: number, savedPlan: boolean): HeldPlans {
  const removals = new Map<string, number>();
  /** Branches let go of after the planning pass, with their changes' fingerprint when a saved plan is applied. */
  const released = new Map<string, string | null>();
  const byAction: Record<ChangeAction, number> = { create: 0, update: 0, delete: 0, cancel: 0, 'delete-series': 0 };
  let held = 0;
  return {
    count(branch, plan) {
      removals.set(plan.branchId, removalsOf(plan.changes));
      for (const c of plan.changes) byAction[c.action]++;
      const weight = heldWeight(plan.changes);
      if (held + weight <= budget) held += weight;
      else {
        released.set(plan.branchId, savedPlan ? fingerprint(plan.changes) : null);
        branch.release();
      }
    },
    removals: (branchId) => removals.get(branchId),
    planned: () => ({ ...byAction }),
    refusal(branch, plan, ahead) {
      const first = released.get(branch.branchId);
      if (first === undefined && !branch.deferred) return null;
      if (first !== undefined && first !== null && fingerprint(plan.changes) !== first) {
        return 'its sessions changed while the run was applying the saved plan, so its changes are no longer the saved ones (PLAN_STALE)';
      }
      const counted = branch.deferred ? ahead : removals.get(branch.branchId)!;
      const now = removalsOf(plan.changes);
      if (now > counted) return `planned again at its turn, it removes ${now} sessions or series where the mass-removal guard counted ${counted}`;
      return null;
    },
  };
}

/**
 * A digest of a branch's changes as the plan JSON shows them, in plan order:
 * tells a branch planned again from the first plan. Both come from the same
 * code, so their keys are in the same order and need no sorting.
 */
function fingerprint(changes: readonly Change[]): string {
  const hash = createHash('sha256');
  for (const c of changes) hash.update(JSON.stringify(changeToJson(c))).update('\n');
  return hash.digest('base64');
}
