// Local wall-clock time → instant in a zone, under the branch's DST policy.
//
// A wall-clock time is carried as "floating" milliseconds: the epoch ms of the
// same fields read as UTC (2026-03-08 02:30 → Date.UTC(2026, 2, 8, 2, 30)).
// The algorithm is Temporal's own (GetNamedTimeZoneEpochNanoseconds and
// DisambiguatePossibleEpochNanoseconds in the polyfill), run on the offsets of
// a ZoneOffsetTable instead of on Intl, so the answer is Temporal's answer
// without a ZonedDateTime per session. A property test holds the two equal.
import type { AmbiguousTimePolicy, NonexistentTimePolicy } from '../types.js';
import { ZoneOffsetTable, zoneOffsetTable } from './zone-offsets.js';

const DAY_MS = 86_400_000;

export interface DstPolicy {
  /** A time in a spring-forward gap: 'shiftForward' (Temporal 'compatible': 02:30 → 03:30) or 'skip'. */
  nonexistentTime: NonexistentTimePolicy;
  /** A time repeated by a fall-back: the 'earlier' or the 'later' of the two instants. */
  ambiguousTime: AmbiguousTimePolicy;
}

/** What the zone does to one wall-clock time. */
export type WallClockKind = 'unique' | 'gap' | 'overlap';

/**
 * The instants at which the zone's clocks show `wallMs`, ascending: one
 * normally, two in a fall-back overlap, none in a spring-forward gap.
 * Like Temporal, only the offsets one day before and after are candidates.
 */
export function possibleInstants(table: ZoneOffsetTable, wallMs: number): number[] {
  const before = table.offsetAt(wallMs - DAY_MS);
  const after = table.offsetAt(wallMs + DAY_MS);
  const out: number[] = [];
  const first = wallMs - before;
  if (table.offsetAt(first) === before) out.push(first);
  if (after !== before) {
    const second = wallMs - after;
    if (table.offsetAt(second) === after) out.push(second);
  }
  return out;
}

/**
 * The instant (epoch ms) for a wall-clock time, or NaN when the time falls in
 * a gap and the policy is 'skip'. Hot path: one Map lookup per offset read and
 * no allocation unless the time is near a transition.
 */
export function resolveWallClock(table: ZoneOffsetTable, wallMs: number, policy: DstPolicy): number {
  const before = table.offsetAt(wallMs - DAY_MS);
  const after = table.offsetAt(wallMs + DAY_MS);
  if (before === after) {
    const only = wallMs - before;
    if (table.offsetAt(only) === before) return only;
  }
  const candidates = possibleInstants(table, wallMs);
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 2) return policy.ambiguousTime === 'earlier' ? candidates[0] : candidates[1];
  if (policy.nonexistentTime === 'skip') return NaN;
  // Temporal 'compatible' in a gap: move the wall clock forward by the size of
  // the gap and take the last instant showing that time (02:30 → 03:30).
  const shifted = possibleInstants(table, wallMs + (after - before));
  // Temporal has no answer when the shifted time is again in a gap (no zone
  // does that); the instant at the pre-gap offset is the same time of day.
  return shifted.length > 0 ? shifted[shifted.length - 1] : wallMs - before;
}

/** resolveWallClock for a zone given by name. */
export function wallClockToInstant(timezone: string, wallMs: number, policy: DstPolicy): number {
  return resolveWallClock(zoneOffsetTable(timezone), wallMs, policy);
}

export function classifyWallClock(timezone: string, wallMs: number): WallClockKind {
  const n = possibleInstants(zoneOffsetTable(timezone), wallMs).length;
  return n === 1 ? 'unique' : n === 0 ? 'gap' : 'overlap';
}

/** Floating wall-clock ms of an instant in a zone (the inverse direction; always unique). */
export function wallClockAt(instantMs: number, timezone: string): number {
  return instantMs + zoneOffsetTable(timezone).offsetAt(instantMs);
}

/** Floating ms of a local date (epoch day) and minutes after midnight. */
export function floatingMs(epochDay: number, minutesOfDay: number): number {
  return epochDay * DAY_MS + minutesOfDay * 60_000;
}
