// The planning half of a run: snapshot the inputs, then plan branch by branch.
import type { ConfigSet } from '../core/config/config-set.js';
import { localDateAt } from '../core/generation/local-date.js';
import { isValidTimeZone } from '../core/generation/series-validation.js';
import { planBranch } from '../core/plan-branch.js';
import type { Plan, RunMode } from '../core/plan.js';
import type { BranchPlan } from '../core/plan-types.js';
import type { Branch, ClassSeries } from '../core/types.js';
import type { Database } from '../store/database.js';
import { readArchivedSeriesIds, readBranches, readSeries } from '../store/inputs.js';
import { readObservedSessions } from '../store/sessions.js';

export interface InputSnapshot {
  branches: Branch[];
  series: ClassSeries[];
  archivedSeriesIds: Set<string>;
}

/**
 * FR-011: a run reads its inputs once, in one repeatable-read transaction, and
 * finishes with them even if a series is edited meanwhile.
 */
export async function snapshotInputs(db: Database): Promise<InputSnapshot> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const branches = await readBranches(tx);
    const series = await readSeries(tx);
    const archivedSeriesIds = await readArchivedSeriesIds(tx);
    return { branches, series, archivedSeriesIds };
  });
}

export interface PlanRunInput {
  db: Database;
  config: ConfigSet;
  now: number;
  mode: RunMode;
  snapshot: InputSnapshot;
  /** Restrict the run to these branches (saved-plan apply, tests). */
  branchIds?: ReadonlySet<string>;
}

export async function planRun(input: PlanRunInput): Promise<Plan> {
  const { snapshot, config, now } = input;
  const plan: Plan = {
    now: new Date(now).toISOString(),
    mode: input.mode,
    configDigest: config.digest,
    branches: [],
    problems: [...config.problems],
    warnings: [],
    seriesVersions: Object.fromEntries(snapshot.series.map((s) => [s.id, s.version])),
  };
  plan.problems.push(
    ...config.unknownTargets(
      snapshot.branches.map((b) => b.id),
      snapshot.series.map((s) => s.id),
    ),
  );
  if (config.blocksAll) return plan;

  const seriesByBranch = new Map<string, ClassSeries[]>();
  for (const s of snapshot.series) {
    const list = seriesByBranch.get(s.branchId);
    if (list) list.push(s);
    else seriesByBranch.set(s.branchId, [s]);
  }
  const allSeriesIds = new Set(snapshot.series.map((s) => s.id));
  const branches = [...snapshot.branches].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const branch of branches) {
    if (input.branchIds && !input.branchIds.has(branch.id)) continue;
    plan.branches.push(await planOneBranch(input.db, branch, seriesByBranch.get(branch.id) ?? [], allSeriesIds, snapshot, config, now));
  }
  return plan;
}

async function planOneBranch(
  db: Database,
  branch: Branch,
  series: ClassSeries[],
  allSeriesIds: ReadonlySet<string>,
  snapshot: InputSnapshot,
  config: ConfigSet,
  now: number,
): Promise<BranchPlan> {
  // An invalid zone is reported by planBranch; no observed read is needed then.
  const observed = isValidTimeZone(branch.timezone)
    ? await readObservedSessions(db, branch.id, now, localDateAt(now, branch.timezone))
    : [];
  return planBranch({ branch, series, observed, allSeriesIds, archivedSeriesIds: snapshot.archivedSeriesIds, config, now });
}
