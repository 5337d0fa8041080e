// Builders shared by the generation tests: a series, resolved settings, and
// instants written as ISO text so that every row reads like the edge case it is.
import { Temporal } from '@js-temporal/polyfill';
import type { ClassSeries, ResolvedSettings } from '../../../controller/core/types.js';

/** The fixed anchor of most rows: Sunday 2026-03-01 12:00 UTC. Never the wall clock. */
export const NOW = Date.parse('2026-03-01T12:00:00Z');

export function series(overrides: Partial<ClassSeries> = {}): ClassSeries {
  return {
    id: 'yoga-mon',
    branchId: 'downtown',
    title: 'Morning Yoga',
    rrule: 'FREQ=DAILY',
    startDate: '2026-01-01',
    endDate: null,
    startTime: '09:00',
    durationMinutes: 45,
    capacity: 12,
    instructorId: 'ana',
    roomId: 'studio-1',
    exdates: [],
    version: '1',
    ...overrides,
  };
}

export type SettingsOverrides = {
  [K in keyof ResolvedSettings]?: Partial<ResolvedSettings[K]>;
};

export function settings(overrides: SettingsOverrides = {}): ResolvedSettings {
  const base: ResolvedSettings = {
    generation: { enabled: true, horizonDays: 56 },
    dst: { nonexistentTime: 'shiftForward', ambiguousTime: 'earlier' },
    closures: {},
    sessionDefaults: { durationMinutes: 60, capacity: 20 },
    removal: { unbooked: 'delete', booked: 'cancel', bookedChanges: 'warn' },
    cleanup: { deleteSeriesAfterDays: 0 },
    safety: { maxRemovalsPerRun: 500 },
    history: { retainDays: 400 },
    feeds: { public: false },
  };
  return {
    generation: { ...base.generation, ...overrides.generation },
    dst: { ...base.dst, ...overrides.dst },
    closures: (overrides.closures as Record<string, string> | undefined) ?? base.closures,
    sessionDefaults: { ...base.sessionDefaults, ...overrides.sessionDefaults },
    removal: { ...base.removal, ...overrides.removal },
    cleanup: { ...base.cleanup, ...overrides.cleanup },
    safety: { ...base.safety, ...overrides.safety },
    history: { ...base.history, ...overrides.history },
    feeds: { ...base.feeds, ...overrides.feeds },
  };
}

export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad ISO instant in a test row: ${iso}`);
  return ms;
};

export const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** `YYYY-MM-DDTHH:MM` wall clock of an instant in a zone, via Temporal (the reference). */
export function wallClock(ms: number, zone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDateTime().toString().slice(0, 16);
}

/** UTC offset of an instant in a zone, such as `-04:00`, via Temporal. */
export function offsetAt(ms: number, zone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).offset;
}
