// Small builders for integration tests: config documents and load files.
import { buildConfigSet, type ConfigSet } from '../../controller/core/config/config-set.js';
import { parseConfigDocument } from '../../controller/core/config/parse-document.js';
import type { ConfigDocument } from '../../controller/core/types.js';
import type { Problem } from '../../controller/core/errors.js';
import { createLogger } from '../../controller/runtime/logger.js';

export const BASE_SETTINGS = {
  generation: { enabled: true, horizonDays: 14 },
  dst: { nonexistentTime: 'shiftForward', ambiguousTime: 'earlier' },
  closures: {},
  sessionDefaults: { durationMinutes: 60, capacity: 20 },
  removal: { unbooked: 'delete', booked: 'cancel' },
  cleanup: { deleteSeriesAfterDays: 0 },
  safety: { maxRemovalsPerRun: 500 },
};

export function doc(name: string, scope: Record<string, string>, settings: unknown): unknown {
  return { apiVersion: 'scheduling.classctl.dev/v1', kind: 'SchedulingConfig', metadata: { name }, spec: { scope, settings } };
}

/** A ConfigSet from raw documents, failing loudly if a fixture itself does not parse. */
export function configOf(...raw: unknown[]): ConfigSet {
  const documents: ConfigDocument[] = [];
  const problems: Problem[] = [];
  raw.forEach((r, i) => {
    const parsed = parseConfigDocument(r, `test-doc-${i}.yaml`);
    if (parsed.document) documents.push(parsed.document);
    problems.push(...parsed.problems);
  });
  return buildConfigSet(documents, problems);
}

export const baseConfig = (overrides: Record<string, unknown> = {}): ConfigSet =>
  configOf(doc('base', {}, { ...BASE_SETTINGS, ...overrides }));

export const silentLogger = () => createLogger({ level: 'silent' });

/**
 * A small chain for runs at 2026-11-25: three branches in zones with and
 * without DST, a series each, one with an instructor and a room.
 */
export const THREE_ZONE_CHAIN = {
  branches: [
    { id: 'ldn', name: 'London', timezone: 'Europe/London' },
    { id: 'ny', name: 'New York', timezone: 'America/New_York' },
    { id: 'tokyo', name: 'Tokyo', timezone: 'Asia/Tokyo' },
  ],
  series: [
    { id: 'ldn-pilates', branchId: 'ldn', title: 'Pilates', rrule: 'FREQ=WEEKLY;BYDAY=TU,TH', startDate: '2026-11-01', endDate: null, startTime: '07:30', durationMinutes: 45, capacity: 10, instructorId: null, roomId: null, exdates: [] },
    { id: 'ny-yoga', branchId: 'ny', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', startDate: '2026-11-01', endDate: null, startTime: '09:00', durationMinutes: 60, capacity: 12, instructorId: 'ana', roomId: 'studio-a', exdates: [] },
    { id: 'tokyo-spin', branchId: 'tokyo', title: 'Spin', rrule: 'FREQ=DAILY', startDate: '2026-11-20', endDate: null, startTime: '18:00', durationMinutes: null, capacity: null, instructorId: null, roomId: null, exdates: [] },
  ],
};
