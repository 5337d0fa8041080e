// What each generated session of a series gets, field by field, and where the
// value comes from: the series row's own column when it is not null (it beats
// every configuration layer), otherwise the resolved sessionDefaults and the
// document that set them. Generation applies the same rule
// (generation/desired-sessions.ts); explain shows it.
import type { FieldSource } from './config/merge-layers.js';
import type { ClassSeries, ResolvedSettings } from './types.js';

export type SessionFieldSource =
  | { kind: 'series'; column: string }
  | { kind: 'branch'; column: string }
  | { kind: 'settings'; pointer: string; document: string; origin: string };

export interface SessionFieldExplain {
  /** The session field, as in the plan and the snapshot. */
  field: 'title' | 'startTime' | 'durationMinutes' | 'capacity' | 'instructorId' | 'roomId' | 'timezone';
  value: string | number | null;
  source: SessionFieldSource;
  /** A sentence for the reader where the rule is not obvious (a default, a DST policy). */
  note?: string;
}

export function explainSessionFields(
  series: ClassSeries,
  branchTimezone: string,
  settings: ResolvedSettings,
  provenance: Readonly<Record<string, FieldSource>>,
): SessionFieldExplain[] {
  const fromSettings = (pointer: string): SessionFieldSource => {
    const source = provenance[pointer] ?? { document: 'unknown', origin: 'unknown' };
    return { kind: 'settings', pointer, document: source.document, origin: source.origin };
  };
  const ownOrDefault = (field: 'durationMinutes' | 'capacity', column: string): SessionFieldExplain => {
    const own = series[field];
    if (own !== null) {
      return { field, value: own, source: { kind: 'series', column }, note: `the series row's own value beats sessionDefaults.${field} (${settings.sessionDefaults[field]})` };
    }
    return { field, value: settings.sessionDefaults[field], source: fromSettings(`/sessionDefaults/${field}`), note: `${column} is null` };
  };
  return [
    { field: 'title', value: series.title, source: { kind: 'series', column: 'class_series.title' } },
    {
      field: 'startTime',
      value: series.startTime,
      source: { kind: 'series', column: 'class_series.start_time' },
      note: `local wall-clock time in ${branchTimezone}; on DST days dst.nonexistentTime is ${settings.dst.nonexistentTime} and dst.ambiguousTime is ${settings.dst.ambiguousTime}`,
    },
    ownOrDefault('durationMinutes', 'class_series.duration_minutes'),
    ownOrDefault('capacity', 'class_series.capacity'),
    { field: 'instructorId', value: series.instructorId, source: { kind: 'series', column: 'class_series.instructor_id' } },
    { field: 'roomId', value: series.roomId, source: { kind: 'series', column: 'class_series.room_id' } },
    { field: 'timezone', value: branchTimezone, source: { kind: 'branch', column: 'branches.timezone' } },
  ];
}

/** `series row class_series.capacity` · `document base (config/base.yaml) /spec/settings/sessionDefaults/capacity` */
export function describeSessionFieldSource(source: SessionFieldSource): string {
  switch (source.kind) {
    case 'series':
      return `series row ${source.column}`;
    case 'branch':
      return `branch row ${source.column}`;
    case 'settings':
      return `document ${source.document} (${source.origin}) /spec/settings${source.pointer}`;
  }
}
