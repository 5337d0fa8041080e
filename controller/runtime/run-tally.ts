// What a run keeps of the branch plans it hands on: counts, problems and
// warnings — or, for a caller that asked for it (tests, small tools), the
// whole plan. Each branch's problems and warnings are logged as it is counted.
import type { Problem } from '../core/errors.js';
import { allProblems, type Plan } from '../core/plan.js';
import type { BranchPlan, PlanSummary } from '../core/plan-types.js';
import type { Logger } from './logger.js';
import { isDoubleBooking } from '../core/double-booking.js';
import { describeDoubleBookingGroup, groupDoubleBookings } from '../core/double-booking-groups.js';

export interface RunTally {
  /** The branches counted so far, in branch order: whole or outlines. */
  branches: BranchPlan[];
  /** Counts a branch's plan (in branch order) and keeps it whole or without its changes. */
  record(branch: BranchPlan): void;
  /** The run's counts so far: what it meant to change (`plan` adds its run-level problems). */
  summary(plan: Pick<Plan, 'problems'>): PlanSummary;
  /** Logs the run-level problems and warnings not logged yet. */
  logRunProblems(plan: Pick<Plan, 'problems' | 'warnings'>): void;
}

/**
 * `keepChanges`: keep each branch plan whole in `plan.branches`; otherwise a
 * branch is kept without its changes and kept sessions (an outline: its
 * problems, warnings, skipped series and DST skips, which the metrics, the
 * config status and the JSON's closing fields need).
 */
export function createRunTally(log: Logger, keepChanges: boolean): RunTally {
  const branches: BranchPlan[] = [];
  const counts = { create: 0, update: 0, delete: 0, cancel: 0, seriesDeleted: 0, skipped: 0 };
  const logged = new Set<object>();
  const logProblem = (p: Problem) => {
    if (logged.has(p)) return;
    logged.add(p);
    const fields = { code: p.code, scope: p.scope, document: p.document, origin: p.origin, pointer: p.pointer };
    if (p.severity === 'error') log.error(fields, `Scope ${p.scope} not reconciled: ${p.message}`);
    else log.warn(fields, p.message);
  };
  const logWarning = (w: Plan['warnings'][number]) => {
    if (logged.has(w) || isDoubleBooking(w)) return;
    logged.add(w);
    const d = w.details ?? {};
    // The plan's own warnings (double bookings, booked sessions changed, …), with the code the plan JSON carries.
    log.warn({ code: w.code, branchId: w.branchId, seriesId: d.seriesId, occurrenceKey: d.occurrenceKey }, w.message);
  };
  // A double booking repeats on every date two series share: one line per resource and pair of series, as in the text plan.
  const logDoubleBookings = (warnings: readonly Plan['warnings'][number][]) => {
    const fresh = warnings.filter((w) => isDoubleBooking(w) && !logged.has(w));
    for (const w of fresh) logged.add(w);
    for (const g of groupDoubleBookings(fresh)) {
      log.warn({ code: g.code, branchId: g.branchId, resourceId: g.resourceId, seriesIds: g.seriesIds, dates: g.dates, firstDate: g.firstDate }, describeDoubleBookingGroup(g));
    }
  };
  return {
    branches,
    record(branch) {
      for (const c of branch.changes) {
        if (c.action === 'delete-series') counts.seriesDeleted++;
        else counts[c.action]++;
      }
      counts.skipped += branch.skippedSeries.length;
      for (const p of branch.problems) logProblem(p);
      for (const w of branch.warnings) logWarning(w);
      logDoubleBookings(branch.warnings);
      branches.push(keepChanges ? branch : { ...branch, changes: [], kept: [] });
    },
    summary(plan) {
      const errors = allProblems({ problems: plan.problems, branches }).filter((p) => p.severity === 'error').length;
      return { ...counts, errors };
    },
    logRunProblems(plan) {
      for (const p of plan.problems) logProblem(p);
      for (const w of plan.warnings) logWarning(w);
      logDoubleBookings(plan.warnings);
    },
  };
}
