// Incremental runs (docs/data-model.md, "Incremental runs"): what a branch's
// sessions depend on, summarized in one fingerprint, and when a branch must
// be proven in full again. Pure: no I/O, `now` passed in.
import { createHash } from 'node:crypto';
import type { ConfigSet } from './config/config-set.js';
import { Fingerprint } from './fingerprint.js';
import type { DoubleBookingScope } from './double-booking.js';
import { generationWindow } from './generation/generation-window.js';
import { DAY_MS, addDays, epochDayOf, localDateAt, localDateOfEpochDay } from './generation/local-date.js';
import type { PlanWarning } from './plan-types.js';
import type { Branch, ClassSeries, LocalDate, ResolvedSettings } from './types.js';

/**
 * The version of what generation and the diff make of the same inputs. A
 * recorded state with another version is not trusted: bump it whenever a
 * change to the code changes the sessions a series gets (a new rule, another
 * DST resolution, a field the diff compares), so the first run of the new
 * code proves every branch in full.
 */
export const SYNC_CODE_VERSION = '2';

/** How long a branch may go without a full proof, by default. */
export const DEFAULT_RESYNC_PERIOD_MS = 24 * 3_600_000;

/**
 * A fingerprint of everything a branch's plan depends on apart from `now` and
 * the sessions themselves: the code version, the zone, and per series (in the
 * snapshot's order) its row with its version and its resolved settings. Any
 * change — a series edited, added, deleted or moved, a document that resolves
 * differently for one series — changes it.
 */
export function branchInputsDigest(branch: Branch, series: readonly ClassSeries[], config: ConfigSet): string {
  const f = new Fingerprint().text(SYNC_CODE_VERSION).value(branch.id).value(branch.timezone).value(series.length);
  for (const s of series) {
    const resolved = config.resolve(branch.id, s.id);
    f.value(s.id).value(s.version).value(s.branchId).value(s.title).value(s.rrule).value(s.startDate).value(s.endDate).value(s.startTime);
    f.value(s.durationMinutes).value(s.capacity).value(s.instructorId).value(s.roomId);
    if (Array.isArray(s.exdates)) {
      f.value(s.exdates.length);
      for (const d of s.exdates) f.value(d);
    } else {
      f.value(s.exdates);
    }
    f.text(resolved.ok ? settingsFingerprint(resolved.settings) : 'invalid');
  }
  return f.digest();
}

// Resolved settings are shared by every series without a series document of
// their own (one object per branch), and a closures map can be large: each
// object is hashed once.
const settingsFingerprints = new WeakMap<ResolvedSettings, string>();

function settingsFingerprint(settings: ResolvedSettings): string {
  let fingerprint = settingsFingerprints.get(settings);
  if (fingerprint === undefined) {
    fingerprint = createHash('md5').update(JSON.stringify(settings)).digest('hex');
    settingsFingerprints.set(settings, fingerprint);
  }
  return fingerprint;
}

/**
 * The last occurrence key whose session a run at `syncedToday` (the branch's
 * local date then) left in place: the end of that run's generation window.
 * With the same inputs, every session a later run wants that is keyed up to
 * it exists as that run wrote it; only later keys can be new. '' when that
 * window was empty (nothing was generated).
 */
export function settledThrough(series: ClassSeries, settings: ResolvedSettings, syncedToday: LocalDate): LocalDate {
  return generationWindow(series, syncedToday, settings.generation.horizonDays)?.to ?? '';
}

/** Inclusive local dates; `to` null: to the window's end. */
export interface KeyRange {
  from: LocalDate;
  to: LocalDate | null;
}

/**
 * What an incremental run generates for a branch whose series are all
 * settled, and which double bookings it finds again. Since the recorded run
 * (at `syncedToday`), the branch's future sessions changed only in two parts
 * of time: sessions started (so a double booking whose later session starts
 * within one session length of `now` may pair differently), and the days that
 * entered the window. A series generates the days that entered its window;
 * a series that shares a room or an instructor with another series of the
 * branch (only those can be double-booked) also generates the keys that cover
 * those two parts of time, with the longest such session length before them —
 * all a double booking there depends on. The other double bookings are the
 * recorded plan's.
 */
export interface WindowSliceScope {
  /** The keys to generate for a series of the branch. */
  keyRangesOf(seriesId: string): KeyRange[];
  doubleBookings: DoubleBookingScope;
}

export function windowSliceScope(
  branch: Branch,
  series: readonly ClassSeries[],
  config: ConfigSet,
  now: number,
  syncedToday: LocalDate,
  recorded: readonly PlanWarning[],
): WindowSliceScope {
  const today = localDateAt(now, branch.timezone);
  const shared = seriesSharingAResource(series);
  const newKeysFrom = new Map<string, LocalDate>();
  let longestMs = 0;
  let firstNewKey: LocalDate | null = null;
  // Most series settled through the same date (that run's horizon end): its next day is computed once.
  let dayAfter = { of: '', is: '' };
  for (const s of series) {
    const resolved = config.resolve(branch.id, s.id);
    // Invalid and disabled series are unsettled: a branch with any is not sliced.
    if (!resolved.ok) continue;
    const settings = resolved.settings;
    const window = generationWindow(s, today, settings.generation.horizonDays);
    if (window === null) continue;
    const settled = settledThrough(s, settings, syncedToday);
    if (settled !== '' && dayAfter.of !== settled) dayAfter = { of: settled, is: addDays(settled, 1) };
    const sliceFrom = settled === '' || window.from > settled ? window.from : dayAfter.is;
    if (sliceFrom <= window.to) newKeysFrom.set(s.id, sliceFrom);
    if (!shared.has(s.id)) continue;
    longestMs = Math.max(longestMs, (s.durationMinutes ?? settings.sessionDefaults.durationMinutes) * 60_000);
    if (sliceFrom <= window.to && (firstNewKey === null || sliceFrom < firstNewKey)) firstNewKey = sliceFrom;
  }
  // A session keyed on day K starts after the start of day K-1 in UTC (no
  // zone is more than a day ahead of UTC), and its key is at most a day after
  // the UTC day of its start: two days of margin cover any zone and DST shift.
  const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
  const nearNowTo = localDateOfEpochDay(dayOf(now + longestMs) + 2);
  const newFrom = firstNewKey === null ? null : (epochDayOf(firstNewKey) - 1) * DAY_MS;
  const context: KeyRange[] = [{ from: today, to: nearNowTo }];
  if (newFrom !== null) {
    const contextFrom = localDateOfEpochDay(dayOf(newFrom - longestMs) - 2);
    if (contextFrom <= addDays(nearNowTo, 1)) context[0] = { from: today, to: null };
    else context.push({ from: contextFrom, to: null });
  }
  return {
    keyRangesOf(seriesId) {
      if (shared.has(seriesId)) return context;
      const from = newKeysFrom.get(seriesId);
      return from === undefined ? [] : [{ from, to: null }];
    },
    doubleBookings: {
      recorded,
      recomputed: (startsAt) => (startsAt > now && startsAt <= now + longestMs) || (newFrom !== null && startsAt >= newFrom),
    },
  };
}

/** Series with a room or an instructor that another series of the branch also has: the only ones a double booking can name. */
function seriesSharingAResource(series: readonly ClassSeries[]): Set<string> {
  // One map per kind of resource, keyed by the bare id: a room and an instructor may share an id.
  const roomHolders = new Map<string, string[]>();
  const instructorHolders = new Map<string, string[]>();
  const hold = (holders: Map<string, string[]>, resourceId: string, seriesId: string) => {
    const list = holders.get(resourceId);
    if (list === undefined) holders.set(resourceId, [seriesId]);
    else list.push(seriesId);
  };
  for (const s of series) {
    if (s.roomId != null) hold(roomHolders, s.roomId, s.id);
    if (s.instructorId != null) hold(instructorHolders, s.instructorId, s.id);
  }
  const shared = new Set<string>();
  for (const holders of [roomHolders, instructorHolders]) {
    for (const list of holders.values()) if (list.length > 1) for (const id of list) shared.add(id);
  }
  return shared;
}

/**
 * The first instant after `provenAt` at which the branch is proven in full
 * again: never later than `provenAt + periodMs`. Each branch has its own
 * moment in the period (from a hash of its id), so branches proven by the
 * same run come due at different runs, spread evenly over the period, and a
 * run that comes every interval proves about interval/period of them.
 */
export function nextResyncAt(branchId: string, provenAt: number, periodMs: number): number {
  const phase = Math.floor((phaseHash(branchId) / 0x1_0000_0000) * periodMs);
  // The smallest t > provenAt with t ≡ -phase (mod periodMs).
  return (Math.floor((provenAt + phase) / periodMs) + 1) * periodMs - phase;
}

function resyncDue(branchId: string, provenAt: number, now: number, periodMs: number): boolean {
  return now >= nextResyncAt(branchId, provenAt, periodMs);
}

/**
 * Whether a run at `now` proves a branch in full whatever its inputs: nothing
 * recorded for it, a full resync asked for, a recorded run later than `now`
 * (the clock went back), or its proof due. Decided from the record and `now`
 * alone, so a run knows it before it has read a single series.
 */
export function fullProofDue(
  branchId: string,
  recorded: { syncedNow: number; provenAt: number } | undefined,
  now: number,
  periodMs: number,
  fullResync: boolean,
): boolean {
  return fullResync || recorded === undefined || now < recorded.syncedNow || resyncDue(branchId, recorded.provenAt, now, periodMs);
}

/**
 * The first 32 bits of the id's md5: stable across processes, and uniform
 * even for ids that differ in one character (branch-0001, branch-0002…),
 * which a short multiplicative hash such as FNV-1a is not — with it, a
 * seventh of a period saw anything from none to a quarter of a numbered
 * chain's branches come due.
 */
function phaseHash(branchId: string): number {
  return createHash('md5').update(branchId).digest().readUInt32BE(0);
}
