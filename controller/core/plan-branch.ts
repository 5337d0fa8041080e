// One branch's plan: desired sessions of every series (core generation) diffed
// against what the branch already has. Pure; the runtime feeds it a snapshot.
import { closureIndex, closureReasonFor } from './closures/closure-index.js';
import type { ConfigSet } from './config/config-set.js';
import { diffSessions } from './diff-sessions.js';
import { findDoubleBookings, mergeDoubleBookings, type DoubleBookingScope } from './double-booking.js';
import type { Problem } from './errors.js';
import { desiredSessions, type GenerationInput, type GenerationResult } from './generation/desired-sessions.js';
import { addDays, epochDayOf, localDateAt } from './generation/local-date.js';
import { isValidTimeZone, parseStartTime } from './generation/series-validation.js';
import { floatingMs, wallClockToInstant } from './generation/zoned-time.js';
import type { BranchPlan, Change, KeptSession, PlanWarning, SkippedByDst } from './plan-types.js';
import type { Branch, ClassSeries, DesiredSession, LocalDate, ObservedSession, ResolvedSettings } from './types.js';

export interface BranchPlanInput {
  branch: Branch;
  /** The branch's series as snapshotted at the start of the run. */
  series: ClassSeries[];
  /**
   * The branch's sessions that start after `now` or are keyed today or later —
   * except, for a series in `settledUpTo`, only those that have started.
   */
  observed: ObservedSession[];
  /** Ids of every series in class_series (a session whose series lives in another branch is left alone). */
  allSeriesIds: Pick<ReadonlySet<string>, 'has'>;
  archivedSeriesIds: ReadonlySet<string>;
  config: ConfigSet;
  now: number;
  /** generateBranch() of this branch, series, config and `now`, when the caller has it already. */
  generation?: BranchGeneration;
  /**
   * Series whose observed sessions that start after `now` are known to be
   * exactly their desired sessions keyed up to the given date (the runtime
   * proves it with digests, store/sessions.ts): the diff of those is empty,
   * so only the later desired sessions are diffed, against the started ones.
   */
  settledUpTo?: ReadonlyMap<string, LocalDate>;
  /**
   * `generation` holds only some keys of the settled series (a window slice):
   * double bookings are found only where they may have changed, the others
   * are the recorded ones.
   */
  doubleBookings?: DoubleBookingScope;
}

/** What generation made of one series, before any diff. */
export type SeriesOutcome =
  | { series: ClassSeries; kind: 'invalid'; problems: Problem[] }
  | { series: ClassSeries; kind: 'disabled' }
  | { series: ClassSeries; kind: 'generated'; settings: ResolvedSettings; generated: GenerationResult };

export interface BranchGeneration {
  branchId: string;
  /** In the order of the branch's series. */
  outcomes: SeriesOutcome[];
}

/**
 * Resolves, validates and generates one series of a branch whose zone is
 * valid (today, window, dates, instants, only future; disabled series
 * skipped); with `keyRanges`, only the keys inside them (a window slice).
 */
export function generateSeries(branch: Branch, series: ClassSeries, config: ConfigSet, now: number, keyRanges?: GenerationInput['keyRanges']): SeriesOutcome {
  const resolved = config.resolve(branch.id, series.id);
  if (!resolved.ok) return { series, kind: 'invalid', problems: resolved.problems };
  const settings = resolved.settings;
  if (!settings.generation.enabled) return { series, kind: 'disabled' };
  // desiredSessions() validates the series first (checkSeries) and, when it
  // is invalid, returns exactly those problems, all errors, and nothing else
  // ever as an error: so its errors are validateSeries() without parsing twice.
  const generated = desiredSessions({ series, timezone: branch.timezone, settings, now, keyRanges });
  const errors = generated.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) return { series, kind: 'invalid', problems: errors };
  return { series, kind: 'generated', settings, generated };
}

/** Every series of a branch whose zone is valid, generated (the CPU-heavy half of planBranch). */
export function generateBranch(input: Pick<BranchPlanInput, 'branch' | 'series' | 'config' | 'now'>): BranchGeneration {
  return { branchId: input.branch.id, outcomes: input.series.map((s) => generateSeries(input.branch, s, input.config, input.now)) };
}

export function planBranch(input: BranchPlanInput): BranchPlan {
  const { branch, now, config } = input;
  const plan: BranchPlan = {
    branchId: branch.id,
    timezone: branch.timezone,
    today: '',
    seriesIds: input.series.map((s) => s.id),
    changes: [],
    kept: [],
    skippedSeries: [],
    skippedByDst: [],
    problems: [],
    warnings: [],
  };
  if (!isValidTimeZone(branch.timezone)) {
    plan.problems.push({
      code: 'BRANCH_TIMEZONE',
      scope: `branch:${branch.id}`,
      document: branch.id,
      pointer: '/timezone',
      message: `Branch "${branch.id}" has time zone "${branch.timezone}", which is not an IANA zone; fix branches.timezone (e.g. "Europe/London"). Its sessions are left as they are.`,
      severity: 'error',
    });
    for (const s of input.series) plan.skippedSeries.push({ seriesId: s.id, reason: 'invalid' });
    return plan;
  }
  plan.today = localDateAt(now, branch.timezone);

  const observedBySeries = groupBySeries(input.observed);
  const desiredForWarnings: DesiredSession[] = [];
  const seriesIds = new Set<string>();
  const outcomes = input.generation?.outcomes ?? generateBranch(input).outcomes;

  for (const outcome of outcomes) {
    const series = outcome.series;
    seriesIds.add(series.id);
    const observed = observedBySeries.get(series.id) ?? [];
    if (outcome.kind !== 'generated') {
      if (outcome.kind === 'invalid') plan.problems.push(...outcome.problems);
      plan.skippedSeries.push({ seriesId: series.id, reason: outcome.kind });
      keepObservedForWarnings(observed, now, desiredForWarnings);
      continue;
    }
    const { settings, generated } = outcome;
    for (const p of generated.problems) {
      if (p.severity === 'error') plan.problems.push(p);
    }
    for (const p of generated.problems) {
      if (p.severity === 'warning') plan.warnings.push({ code: 'SERIES_EXPANSION_CAP', branchId: branch.id, message: p.message, details: { seriesId: series.id } });
    }
    for (const key of generated.skippedByDst) {
      const skipped = skippedOccurrence(series, branch, key, plan.today, now);
      if (skipped) plan.skippedByDst.push(skipped);
    }
    let skippedByDst: Set<string> | undefined; // built on the first removal, if any
    const settledUpTo = input.settledUpTo?.get(series.id);
    const desired = settledUpTo === undefined ? generated.sessions : generated.sessions.filter((d) => d.occurrenceKey > settledUpTo);
    const diff = diffSessions({
      seriesId: series.id,
      branchId: branch.id,
      desired,
      observed,
      now,
      removal: settings.removal,
      removalReason: (o) => whyNotDesired(o.occurrenceKey, series, settings, generated.window, (skippedByDst ??= new Set(generated.skippedByDst))),
    });
    for (const c of diff.changes) plan.changes.push(c);
    for (const k of diff.kept) plan.kept.push(k);
    for (const w of diff.warnings) plan.warnings.push(w);
    for (const d of generated.sessions) desiredForWarnings.push(d);
    for (const k of diff.kept) {
      const o = observed.find((s) => s.id === k.sessionId);
      if (o && o.status === 'scheduled') desiredForWarnings.push(o);
    }

    const archive = archiveIfEnded(series, settings, plan.today);
    if (archive) plan.changes.push(archive);
  }

  // Sessions whose series was deleted by the host (removed per the removal policy) or archived (kept).
  for (const [seriesId, observed] of observedBySeries) {
    if (seriesIds.has(seriesId) || input.archivedSeriesIds.has(seriesId)) continue;
    if (input.allSeriesIds.has(seriesId)) {
      plan.warnings.push({
        code: 'SERIES_MOVED_BRANCH',
        branchId: branch.id,
        message: `Series "${seriesId}" now belongs to another branch; its ${observed.length} session(s) in branch "${branch.id}" are left as they are. Moving a series between branches is not supported: end it and create a new series.`,
        details: { seriesId },
      });
      continue;
    }
    removeSessionsOfDeletedSeries(plan, seriesId, observed, config, now);
  }

  const doubleBookings = findDoubleBookings(branch.id, desiredForWarnings);
  plan.warnings.push(...(input.doubleBookings === undefined ? doubleBookings : mergeDoubleBookings(input.doubleBookings, doubleBookings, now)));
  plan.changes.sort(compareChanges);
  plan.problems = [...new Set(plan.problems)];
  return plan;
}

function removeSessionsOfDeletedSeries(
  plan: BranchPlan,
  seriesId: string,
  observed: ObservedSession[],
  config: ConfigSet,
  now: number,
): void {
  const resolved = config.resolve(plan.branchId, seriesId);
  if (!resolved.ok) {
    plan.problems.push(...resolved.problems);
    plan.skippedSeries.push({ seriesId, reason: 'invalid' });
    return;
  }
  const diff = diffSessions({
    seriesId,
    branchId: plan.branchId,
    desired: [],
    observed,
    now,
    removal: resolved.settings.removal,
    removalReason: () => 'the series was deleted from class_series',
  });
  plan.changes.push(...diff.changes);
  plan.kept.push(...diff.kept);
}

/** Cleanup: a series past `end_date + deleteSeriesAfterDays` is archived and deleted; its sessions stay. */
function archiveIfEnded(series: ClassSeries, settings: ResolvedSettings, today: LocalDate): Change | null {
  if (series.endDate === null) return null;
  const last = addDays(series.endDate, settings.cleanup.deleteSeriesAfterDays);
  if (!(today > last)) return null;
  return {
    action: 'delete-series',
    seriesId: series.id,
    branchId: series.branchId,
    occurrenceKey: null,
    series,
    version: series.version,
    reason: `ended on ${series.endDate}; cleanup.deleteSeriesAfterDays is ${settings.cleanup.deleteSeriesAfterDays}`,
  };
}

function whyNotDesired(
  key: LocalDate,
  series: ClassSeries,
  settings: ResolvedSettings,
  window: { from: LocalDate; to: LocalDate } | null,
  skippedByDst: ReadonlySet<string>,
): string {
  const dayClosure = closureIndex(settings.closures).dayReason(key);
  if (dayClosure !== undefined) return `the branch is closed that day (${dayClosure})`;
  if (series.exdates.includes(key)) return 'the date is in the series exdates';
  if (series.endDate !== null && key > series.endDate) return `after the series end date ${series.endDate}`;
  if (key < series.startDate) return `before the series start date ${series.startDate}`;
  const partClosure = closureReasonFor(settings.closures, key);
  if (partClosure !== undefined && window !== null && key >= window.from && key <= window.to) return partClosure;
  if (skippedByDst.has(key)) return 'the start time does not exist that day (DST gap, dst.nonexistentTime: skip)';
  if (window !== null && key > window.to) return 'beyond the generation horizon';
  return 'the recurrence rule no longer produces this date';
}

/**
 * The plan's record of an occurrence skipped for a DST gap, or null when that
 * gap is already behind `now` today (a session then would be history anyway,
 * so naming it again at every run of the day says nothing).
 */
function skippedOccurrence(series: ClassSeries, branch: Branch, key: LocalDate, today: LocalDate, now: number): SkippedByDst | null {
  if (key === today) {
    const minutes = parseStartTime(series.startTime) ?? 0;
    const shifted = wallClockToInstant(branch.timezone, floatingMs(epochDayOf(key), minutes), { nonexistentTime: 'shiftForward', ambiguousTime: 'earlier' });
    if (shifted <= now) return null;
  }
  return {
    seriesId: series.id,
    branchId: branch.id,
    occurrenceKey: key,
    localTime: series.startTime,
    timezone: branch.timezone,
    rule: 'dst.nonexistentTime: skip',
  };
}

function groupBySeries(sessions: ObservedSession[]): Map<string, ObservedSession[]> {
  const map = new Map<string, ObservedSession[]>();
  for (const s of sessions) {
    const list = map.get(s.seriesId);
    if (list) list.push(s);
    else map.set(s.seriesId, [s]);
  }
  return map;
}

/** Sessions of a skipped series stay as they are, so they still count for double-booking warnings. */
function keepObservedForWarnings(observed: ObservedSession[], now: number, out: DesiredSession[]): void {
  for (const o of observed) if (o.status === 'scheduled' && o.startsAt > now) out.push(o);
}

const ACTION_ORDER: Record<Change['action'], number> = { 'delete-series': 5, create: 1, update: 2, cancel: 3, delete: 4 };

function compareChanges(a: Change, b: Change): number {
  if (a.seriesId !== b.seriesId) return a.seriesId < b.seriesId ? -1 : 1;
  const ka = a.occurrenceKey ?? '~';
  const kb = b.occurrenceKey ?? '~';
  if (ka !== kb) return ka < kb ? -1 : 1;
  return ACTION_ORDER[a.action] - ACTION_ORDER[b.action];
}

export type { Problem, KeptSession, PlanWarning };
