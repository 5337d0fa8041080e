// Builders for plan tests: one branch, its series and sessions, planned and
// rendered the way `classctl reconcile` does (planBranch → planToJson → text).
import type { ConfigSet } from '../../../controller/core/config/config-set.js';
import { planBranch } from '../../../controller/core/plan-branch.js';
import type { Plan } from '../../../controller/core/plan.js';
import type { BranchPlan } from '../../../controller/core/plan-types.js';
import { planToJson, type PlanJson } from '../../../controller/core/render/plan-json.js';
import { renderPlanText } from '../../../controller/core/render/plan-text.js';
import type { Branch, ClassSeries, ObservedSession } from '../../../controller/core/types.js';

export function seriesOf(over: Partial<ClassSeries> = {}): ClassSeries {
  return {
    id: 's1',
    branchId: 'b1',
    title: 'Yoga',
    rrule: 'FREQ=DAILY',
    startDate: '2026-01-01',
    endDate: null,
    startTime: '09:00',
    durationMinutes: 60,
    capacity: 20,
    instructorId: 'ana',
    roomId: 'r1',
    exdates: [],
    version: '1',
    ...over,
  };
}

export function observedOf(over: Partial<ObservedSession> & Pick<ObservedSession, 'occurrenceKey' | 'startsAt'>): ObservedSession {
  return {
    id: `id-${over.occurrenceKey}`,
    seriesId: 's1',
    branchId: 'b1',
    title: 'Yoga',
    endsAt: over.startsAt + 3_600_000,
    timezone: 'UTC',
    instructorId: 'ana',
    roomId: 'r1',
    capacity: 20,
    status: 'scheduled',
    detached: false,
    bookedCount: 0,
    ...over,
  };
}

export interface PlannedBranch {
  branch: BranchPlan;
  json: PlanJson;
  text: string;
}

export function planOne(input: { branch: Branch; series: ClassSeries[]; observed?: ObservedSession[]; config: ConfigSet; now: number }): PlannedBranch {
  const branch = planBranch({
    branch: input.branch,
    series: input.series,
    observed: input.observed ?? [],
    allSeriesIds: new Set(input.series.map((s) => s.id)),
    archivedSeriesIds: new Set(),
    config: input.config,
    now: input.now,
  });
  const plan: Plan = { now: new Date(input.now).toISOString(), mode: 'plan', configDigest: 'test', branches: [branch], problems: [], warnings: [], seriesVersions: {} };
  const json = planToJson(plan);
  return { branch, json, text: renderPlanText(json) };
}
