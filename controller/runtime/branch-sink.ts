// Where a run hands each branch's plan: in branch order, once computed (a
// plan) or once written (an apply), so that a run never holds every change at
// once and its output (text, JSON, a saved plan file) is written as it goes.
import type { BranchPlan } from '../core/plan-types.js';
import type { BranchApplyResult } from './apply-branch.js';

/**
 * Receives one branch's full plan. `written` is what its transaction wrote
 * (absent for a plan, for a branch with no changes, and for one that failed).
 * The run waits for the returned promise before it hands over the next branch,
 * so a sink writing to a slow stream holds the run back instead of piling up
 * branches. The plan must not be kept: the run lets go of it afterwards.
 */
export type BranchSink = (branch: BranchPlan, written?: BranchApplyResult) => void | Promise<void>;

/** For callers that need only the run's counts (the controller loop, simulate, the benchmark). */
export const discardBranches: BranchSink = () => {};
