// Planning one observed branch: generate its desired sessions (all of them,
// or only a window slice when an incremental run allows it) and diff them
// with what was observed or settled.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ConfigSet } from '../core/config/config-set.js';
import { settledThrough, windowSliceScope, type KeyRange } from '../core/incremental-sync.js';
import { generateSeries, planBranch, type BranchGeneration, type SeriesOutcome } from '../core/plan-branch.js';
import type { BranchPlan } from '../core/plan-types.js';
import type { Branch, ClassSeries, LocalDate, ObservedSession } from '../core/types.js';
import { matchesDigest } from '../store/series-digests.js';
import { readObservedSessions } from '../store/sessions.js';
import { retried, type ObserveContext, type ObservedBranch } from './observe-branches.js';

/** A branch's plan, with what it was planned from. */
export interface PlannedBranch {
  plan: BranchPlan;
  /** The sessions read (not those a digest or a recorded state settled). */
  observed: ObservedSession[];
  generation: BranchGeneration | null;
}

export async function planObservedBranch(ctx: ObserveContext, branch: Branch, series: ClassSeries[], observation: ObservedBranch): Promise<PlannedBranch> {
  const base = { branch, series, allSeriesIds: ctx.allSeriesIds, archivedSeriesIds: ctx.snapshot.archivedSeriesIds, config: ctx.config, now: ctx.now };
  if (observation.today === null) return { plan: planBranch({ ...base, observed: [] }), observed: [], generation: null };
  if (observation.incremental !== null) {
    // Every series not unsettled has, with the same inputs, exactly the
    // sessions the recorded run left: its desired sessions keyed up to that
    // run's window end. Only later keys are planned. When every series is
    // settled, only those keys (and the days around them and around now that
    // a double booking depends on) are generated: the run costs what changed.
    const { syncedToday, state } = observation.incremental;
    const slice =
      state.unsettled.length === 0 && state.doubleBookings !== null
        ? windowSliceScope(branch, series, ctx.config, ctx.now, syncedToday, state.doubleBookings)
        : null;
    const generation = await generateYielding(branch, series, ctx.config, ctx.now, slice === null ? undefined : (id) => slice.keyRangesOf(id));
    const unsettled = new Set(state.unsettled);
    const settledUpTo = new Map<string, LocalDate>();
    for (const o of generation.outcomes) {
      if (o.kind === 'generated' && !unsettled.has(o.series.id)) settledUpTo.set(o.series.id, settledThrough(o.series, o.settings, syncedToday));
    }
    const plan = planBranch({ ...base, observed: observation.observed, generation, settledUpTo, doubleBookings: slice?.doubleBookings });
    return { plan, observed: observation.observed, generation };
  }
  const generation = await generateYielding(branch, series, ctx.config, ctx.now);
  if (observation.digests === null) return { plan: planBranch({ ...base, observed: observation.observed, generation }), observed: observation.observed, generation };

  // A series whose digest equals that of its desired sessions up to the same
  // last key is settled: nothing to read. The others are read in full.
  const outcomes = new Map<string, SeriesOutcome>(generation.outcomes.map((o) => [o.series.id, o]));
  const settledUpTo = new Map<string, LocalDate>();
  const unsettled: string[] = [];
  for (const d of observation.digests) {
    const outcome = outcomes.get(d.seriesId);
    if (outcome?.kind === 'generated' && matchesDigest(outcome.generated.sessions, d)) settledUpTo.set(d.seriesId, d.lastKey);
    else unsettled.push(d.seriesId);
  }
  let observed = observation.observed;
  if (unsettled.length > 0) {
    const readInFull = new Set(unsettled);
    const today = observation.today;
    const full = await retried(ctx, () => readObservedSessions(ctx.db, branch.id, ctx.now, today, unsettled));
    observed = observation.observed.filter((o) => !readInFull.has(o.seriesId)).concat(full);
    observed.sort(bySeriesAndKey);
  }
  return { plan: planBranch({ ...base, observed, generation, settledUpTo }), observed, generation };
}

// The order of readObservedSessions (COLLATE "C"), restored after a merge.
function bySeriesAndKey(a: ObservedSession, b: ObservedSession): number {
  if (a.seriesId !== b.seriesId) return a.seriesId < b.seriesId ? -1 : 1;
  return a.occurrenceKey < b.occurrenceKey ? -1 : a.occurrenceKey > b.occurrenceKey ? 1 : 0;
}

/**
 * How long generation runs before it lets the event loop turn: long enough
 * that the turns cost nothing, short enough that a branch being written
 * meanwhile gets its next statement sent without waiting for a whole branch.
 */
const SLICE_MS = 1;

async function generateYielding(
  branch: Branch,
  series: ClassSeries[],
  config: ConfigSet,
  now: number,
  keyRangesOf?: (seriesId: string) => KeyRange[],
): Promise<BranchGeneration> {
  const outcomes: SeriesOutcome[] = [];
  let sliceStart = performance.now();
  for (const s of series) {
    outcomes.push(generateSeries(branch, s, config, now, keyRangesOf?.(s.id)));
    if (performance.now() - sliceStart > SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  return { branchId: branch.id, outcomes };
}
