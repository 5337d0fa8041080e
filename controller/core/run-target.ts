// What a targeted run covers: `--branch ID` takes a whole branch, `--series
// ID` one series in its branch and nothing else of that branch. Pure: the
// ids are checked against the run's input snapshot.
import { ClassctlError, ErrorCodes } from './errors.js';
import type { Branch, ClassSeries } from './types.js';

/** The ids as given (--branch, --series); both empty: the whole database. */
export interface RunTarget {
  branchIds: string[];
  seriesIds: string[];
}

/** The target as it is recorded (journal, saved plan): sorted, each id once. */
export function normalizeTarget(target: RunTarget): RunTarget {
  const sorted = (ids: string[]) => [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { branchIds: sorted(target.branchIds), seriesIds: sorted(target.seriesIds) };
}

export function isWholeRun(target: RunTarget | null | undefined): boolean {
  return !target || (target.branchIds.length === 0 && target.seriesIds.length === 0);
}

/**
 * The target to apply a saved plan to: the one it records. --branch /
 * --series given with it must name that same target (a USAGE error
 * otherwise): a plan is applied whole, to what it was made for.
 */
export function savedTarget(recorded: RunTarget | null, given: RunTarget | undefined): RunTarget | null {
  if (isWholeRun(given)) return recorded;
  const a = normalizeTarget(given!);
  const b = normalizeTarget(recorded ?? { branchIds: [], seriesIds: [] });
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new ClassctlError(
      ErrorCodes.USAGE,
      `The plan was made for ${describeTarget(b)}, not ${describeTarget(a)} (--branch / --series); a saved plan is applied whole, to what it was made for. Leave --branch / --series out, or make a plan for that target.`,
      { key: 'target' },
    );
  }
  return recorded;
}

/** `branch downtown, series yoga-mon` — for output and logs. */
export function describeTarget(target: RunTarget): string {
  const parts: string[] = [];
  if (target.branchIds.length > 0) parts.push(`${target.branchIds.length === 1 ? 'branch' : 'branches'} ${target.branchIds.join(', ')}`);
  if (target.seriesIds.length > 0) parts.push(`series ${target.seriesIds.join(', ')}`);
  return parts.length === 0 ? 'every branch' : parts.join('; ');
}

/**
 * The branches a targeted run plans, each with the series it plans in it:
 * 'all' for a branch given with --branch, else the series given with
 * --series. A series given as well as its branch adds nothing.
 */
export interface ResolvedTarget {
  target: RunTarget;
  branches: ReadonlyMap<string, 'all' | ReadonlySet<string>>;
}

/** Branch ids listed in a NOT_FOUND message; the rest are counted. */
const LISTED_BRANCHES = 10;

/**
 * Checks every id against the snapshot: an id that names no branch, or no
 * class series, is a NOT_FOUND naming it (a typo must not turn into a run
 * that quietly does nothing).
 */
export function resolveTarget(target: RunTarget, inputs: { branches: readonly Pick<Branch, 'id'>[]; series: readonly Pick<ClassSeries, 'id' | 'branchId'>[] }): ResolvedTarget {
  const t = normalizeTarget(target);
  const branchIds = new Set(inputs.branches.map((b) => b.id));
  const branchOf = new Map(inputs.series.map((s) => [s.id, s.branchId]));
  const unknownBranches = t.branchIds.filter((id) => !branchIds.has(id));
  const unknownSeries = t.seriesIds.filter((id) => !branchOf.has(id));
  if (unknownBranches.length > 0 || unknownSeries.length > 0) {
    const named = [
      ...(unknownBranches.length > 0 ? [`no branch ${unknownBranches.map((id) => `"${id}"`).join(', ')}`] : []),
      ...(unknownSeries.length > 0 ? [`no class series ${unknownSeries.map((id) => `"${id}"`).join(', ')}`] : []),
    ];
    const known = [...branchIds].sort();
    const listed = `${known.slice(0, LISTED_BRANCHES).join(', ')}${known.length > LISTED_BRANCHES ? `, and ${known.length - LISTED_BRANCHES} more` : ''}`;
    const branchesThere = unknownBranches.length > 0 ? ` The branches there are: ${known.length > 0 ? listed : '(none)'}.` : '';
    throw new ClassctlError(
      ErrorCodes.NOT_FOUND,
      `The database has ${named.join(' and ')} (--branch / --series); nothing was planned or written.${branchesThere} Check the ids (\`classctl snapshot\` lists every branch and series).`,
      { key: unknownBranches[0] ?? unknownSeries[0] },
    );
  }
  const branches = new Map<string, 'all' | Set<string>>();
  for (const id of t.branchIds) branches.set(id, 'all');
  for (const id of t.seriesIds) {
    const branchId = branchOf.get(id)!;
    const scope = branches.get(branchId);
    if (scope === 'all') continue;
    if (scope === undefined) branches.set(branchId, new Set([id]));
    else scope.add(id);
  }
  return { target: t, branches };
}

/** Whether the target plans `seriesId` of `branchId` (a whole run plans everything). */
export function targetsSeries(resolved: ResolvedTarget | null | undefined, branchId: string, seriesId: string): boolean {
  if (!resolved) return true;
  const scope = resolved.branches.get(branchId);
  return scope === 'all' || (scope !== undefined && scope.has(seriesId));
}

/** Whether the target plans only some series of `branchId`: a partial branch. */
export function isPartialBranch(resolved: ResolvedTarget | null | undefined, branchId: string): boolean {
  const scope = resolved?.branches.get(branchId);
  return scope !== undefined && scope !== 'all';
}

/** The snapshot's branches and series that the target plans (a whole run: all of them). */
export function scopeInputs<B extends Pick<Branch, 'id'>, S extends Pick<ClassSeries, 'id' | 'branchId'>>(
  resolved: ResolvedTarget | null | undefined,
  inputs: { branches: readonly B[]; series: readonly S[] },
): { branches: B[]; series: S[] } {
  if (!resolved) return { branches: [...inputs.branches], series: [...inputs.series] };
  return {
    branches: inputs.branches.filter((b) => resolved.branches.has(b.id)),
    series: inputs.series.filter((s) => targetsSeries(resolved, s.branchId, s.id)),
  };
}
