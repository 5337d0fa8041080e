// What an apply records for a branch with its writes, so that a later run can
// plan it incrementally (docs/data-model.md, "Incremental runs").
import type { PlanWarning } from '../core/plan-types.js';
import { isDoubleBooking } from '../core/double-booking.js';
import type { Branch, ClassSeries, LocalDate } from '../core/types.js';
import type { BranchSyncState } from '../store/sync-state.js';
import type { ObserveContext, ObservedBranch } from './observe-branches.js';
import type { PlannedBranch } from './plan-observed-branch.js';
import { isPartialBranch } from '../core/run-target.js';

/** What an apply records for a branch, in its transaction (store/sync-state.ts). */
export interface BranchSyncDraft {
  branchId: string;
  inputsDigest: string;
  /** Series to read in full at every run, from the plan; the apply adds those with a change not written. */
  unsettled: string[];
  /** This run compared every session of the branch (not an incremental run). */
  provenInFull: boolean;
  /** The state this run read, null when there was none: the record is written over it only. */
  basis: BranchSyncState | null;
  /** The plan's double bookings, recorded for the next incremental run. */
  doubleBookings: PlanWarning[];
  /**
   * The run planned only some series of the branch (--series): what it
   * writes is not what the recorded state says, and it knows too little to
   * record another one, so its writes delete the state instead and the next
   * run proves the branch in full. A run that writes nothing keeps it.
   */
  forget?: boolean;
}

/** A branch with no change must still record its state: a full proof, or a different set of unsettled series. */
export function syncNeedsRecord(draft: BranchSyncDraft): boolean {
  if (draft.forget) return false;
  if (draft.provenInFull || draft.basis === null) return true;
  return draft.unsettled.join('\u0000') !== draft.basis.unsettled.join('\u0000');
}

/**
 * The state to record after this plan: the same inputs digest, and the
 * series the next run must read because a full plan of them says something
 * no recorded state can: a skipped series, sessions kept as they are,
 * sessions of a series that is not in the branch, or sessions keyed after
 * the series' window (cancelled ones stay; a later window reaches them and
 * must find them).
 */
export function syncDraft(ctx: ObserveContext, branch: Branch, series: ClassSeries[], observation: ObservedBranch, planned: PlannedBranch): BranchSyncDraft | null {
  if (observation.inputsDigest === null) return null;
  const { plan } = planned;
  if (isPartialBranch(ctx.target, branch.id)) {
    return { branchId: branch.id, inputsDigest: observation.inputsDigest, unsettled: [], provenInFull: false, basis: ctx.syncStates.get(branch.id) ?? null, doubleBookings: [], forget: true };
  }
  const unsettled = new Set<string>();
  for (const s of plan.skippedSeries) unsettled.add(s.seriesId);
  for (const k of plan.kept) unsettled.add(k.seriesId);
  const inBranch = new Set(series.map((s) => s.id));
  const windowEnd = new Map<string, LocalDate>();
  for (const o of planned.generation?.outcomes ?? []) {
    if (o.kind !== 'generated') continue;
    windowEnd.set(o.series.id, o.generated.window?.to ?? '');
    // A window slice would not see the DST skips and the expansion cap of
    // the days it does not generate.
    if (o.generated.skippedByDst.length > 0 || o.generated.problems.length > 0) unsettled.add(o.series.id);
  }
  for (const o of planned.observed) {
    if (inBranch.has(o.seriesId)) {
      if (!(o.occurrenceKey <= (windowEnd.get(o.seriesId) ?? ''))) unsettled.add(o.seriesId);
    } else if (!ctx.snapshot.archivedSeriesIds.has(o.seriesId)) {
      unsettled.add(o.seriesId);
    }
  }
  if (observation.digests !== null) {
    for (const d of observation.digests) {
      if (!inBranch.has(d.seriesId) && !ctx.snapshot.archivedSeriesIds.has(d.seriesId)) unsettled.add(d.seriesId);
    }
  }
  return {
    branchId: branch.id,
    inputsDigest: observation.inputsDigest,
    unsettled: [...unsettled].sort(),
    provenInFull: observation.incremental === null,
    basis: observation.incremental?.state ?? ctx.syncStates.get(branch.id) ?? null,
    doubleBookings: plan.warnings.filter(isDoubleBooking),
  };
}
