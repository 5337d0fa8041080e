// The sessions one series should have, for a run at `now`. Pure: the series, its branch zone, its resolved settings and
// `now` in; sessions and problems out. docs/generation-rules.md states every
// rule in plain words.
import { closureIndex, type ClosureIndex } from '../closures/closure-index.js';
import { ErrorCodes, type Problem } from '../errors.js';
import type { ClassSeries, DesiredSession, LocalDate, ResolvedSettings } from '../types.js';
import { generationWindow } from './generation-window.js';
import { DAY_MS, localDateAt, localDateOfEpochDay } from './local-date.js';
import { MAX_COUNTED_OCCURRENCES, expandOccurrenceDates, type Expansion } from './recurrence.js';
import { checkSeries } from './series-validation.js';
import { zoneOffsetTable, type ZoneOffsetTable } from './zone-offsets.js';
import { floatingMs, resolveWallClock } from './zoned-time.js';

export interface GenerationInput {
  series: ClassSeries;
  /** The IANA zone of the series' branch. */
  timezone: string;
  settings: ResolvedSettings;
  /** The run's instant, epoch ms. */
  now: number;
  /**
   * Generate only the keys inside these inclusive ranges of local dates
   * (ascending, disjoint; `to` null: open-ended), as a full generation would
   * give them: the same sessions, DST skips and instants (a window slice, for
   * a series whose other sessions are known to exist). `window` is still the
   * whole window. An expansion-cap warning is exact only when the last range
   * reaches the window's end (COUNT is counted up to the walked end).
   */
  keyRanges?: ReadonlyArray<{ from: LocalDate; to: LocalDate | null }>;
}

export interface GenerationResult {
  /** Sorted by occurrenceKey; only sessions with startsAt > now. */
  sessions: DesiredSession[];
  /** The local date of `now` in the zone (the UTC date when the zone is unknown). */
  today: LocalDate;
  /** Inclusive local dates; null when empty, when the series is invalid or disabled. */
  window: { from: LocalDate; to: LocalDate } | null;
  /**
   * Window dates dropped because the start time does not exist that day and
   * the policy is 'skip' (also today's, when the gap is already past; the
   * branch plan leaves those out when it names them).
   */
  skippedByDst: LocalDate[];
  /** Errors (invalid series: no sessions) and warnings (SERIES_EXPANSION_CAP). */
  problems: Problem[];
  /** generation.enabled is false: nothing is generated and nothing is validated. */
  disabled: boolean;
}

/**
 * The expansion of the window, or of its parts inside `ranges`: each part is
 * expanded on its own (the expansion of a sub-window has exactly the
 * window's dates inside it), and the parts are concatenated in order.
 */
function expandInRanges(
  ranges: GenerationInput['keyRanges'],
  window: { from: LocalDate; to: LocalDate },
  expand: (w: { from: LocalDate; to: LocalDate }) => Expansion,
): Expansion {
  if (ranges === undefined) return expand(window);
  const dates: LocalDate[] = [];
  const days: number[] = [];
  let countCap: Expansion['countCap'] = null;
  for (const range of ranges) {
    const from = range.from > window.from ? range.from : window.from;
    const to = range.to !== null && range.to < window.to ? range.to : window.to;
    if (from > to) continue;
    const part = expand({ from, to });
    for (const d of part.dates) dates.push(d);
    for (const d of part.days) days.push(d);
    countCap = part.countCap;
  }
  return { dates, days, countCap };
}

/**
 * A session [startsAt, endsAt) overlaps a part-day closure of its own local
 * day or of the next (a session may run past midnight). The closure's local
 * times become instants with the widest reading: a start in a DST gap moves
 * forward, an ambiguous start is the earlier instant and an ambiguous end the
 * later one.
 */
function overlapsPartClosure(closures: ClosureIndex, table: ZoneOffsetTable, epochDay: number, key: LocalDate, startsAt: number, endsAt: number): boolean {
  for (let d = 0; d < 2; d++) {
    const date = d === 0 ? key : localDateOfEpochDay(epochDay + 1);
    for (const part of closures.hoursOn(date)) {
      const from = resolveWallClock(table, floatingMs(epochDay + d, part.fromMinutes), { nonexistentTime: 'shiftForward', ambiguousTime: 'earlier' });
      const to = resolveWallClock(table, floatingMs(epochDay + d, part.toMinutes), { nonexistentTime: 'shiftForward', ambiguousTime: 'later' });
      if (startsAt < to && from < endsAt) return true;
    }
  }
  return false;
}

export function desiredSessions(input: GenerationInput): GenerationResult {
  const { series, timezone, settings, now } = input;
  const check = checkSeries(series, timezone);
  const zoneKnown = !check.problems.some((p) => p.code === ErrorCodes.BRANCH_TIMEZONE);
  const today = zoneKnown ? localDateAt(now, timezone) : localDateOfEpochDay(Math.floor(now / DAY_MS));
  const result: GenerationResult = { sessions: [], today, window: null, skippedByDst: [], problems: [], disabled: false };

  // A disabled series is parked: it is not even validated, so switching
  // generation off is also how to keep a broken series from failing runs.
  if (!settings.generation.enabled) return { ...result, disabled: true };
  if (check.valid === null) return { ...result, problems: check.problems };

  const window = generationWindow(series, today, settings.generation.horizonDays);
  if (window === null) return result;
  result.window = window;

  const { rule, startMinutes } = check.valid;
  const expansion = expandInRanges(input.keyRanges, window, (w) => expandOccurrenceDates({ rule, startDate: series.startDate, startMinutes, window: w, timezone }));
  if (expansion.countCap) {
    result.problems.push({
      code: ErrorCodes.SERIES_EXPANSION_CAP,
      scope: `series:${series.id}`,
      document: series.id,
      pointer: '/rrule',
      severity: 'warning',
      message:
        `Series ${series.id}: its rule has COUNT=${rule.count}, which is counted from startDate ${series.startDate}; ` +
        `counting stopped after ${MAX_COUNTED_OCCURRENCES} occurrences (the last on ${expansion.countCap.lastCountedDate}), ` +
        'so later occurrences in the window are not generated. Replace COUNT with UNTIL, or move startDate forward and lower COUNT.',
    });
  }

  // Nothing in the window (an incremental run's slice on a day without a class): nothing more to look up.
  if (expansion.dates.length === 0) return result;

  const exdates = new Set(series.exdates);
  const closures = closureIndex(settings.closures);
  const durationMs = (series.durationMinutes ?? settings.sessionDefaults.durationMinutes) * 60_000;
  const capacity = series.capacity ?? settings.sessionDefaults.capacity;
  const table = zoneOffsetTable(timezone);
  const policy = settings.dst;

  for (let i = 0; i < expansion.dates.length; i++) {
    const key = expansion.dates[i]!;
    if (exdates.has(key) || closures.dayReason(key) !== undefined) continue;
    const startsAt = resolveWallClock(table, floatingMs(expansion.days[i]!, startMinutes), policy);
    if (Number.isNaN(startsAt)) {
      result.skippedByDst.push(key);
      continue;
    }
    if (startsAt <= now) continue; // started or over: history, never regenerated
    if (closures.hasHours && overlapsPartClosure(closures, table, expansion.days[i]!, key, startsAt, startsAt + durationMs)) continue;
    result.sessions.push({
      seriesId: series.id,
      branchId: series.branchId,
      occurrenceKey: key,
      title: series.title,
      startsAt,
      endsAt: startsAt + durationMs,
      timezone,
      instructorId: series.instructorId ?? null,
      roomId: series.roomId ?? null,
      capacity,
    });
  }
  // rrule.js yields occurrences in time order and keys are their dates, so the
  // list is already sorted by occurrenceKey.
  return result;
}
