// A plan is data (Terraform's habit): computed by the core, rendered by
// separate text/JSON renderers, written by the store, saved to a file and
// applied exactly.
import type { ErrorCode, Problem } from './errors.js';
import type { ClassSeries, DesiredSession, LocalDate, SessionStatus } from './types.js';

export type SessionAction = 'create' | 'update' | 'delete' | 'cancel';
export type ChangeAction = SessionAction | 'delete-series';

/** The session fields a plan shows (instants as ISO UTC strings). */
export interface SessionView {
  title: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  instructorId: string | null;
  roomId: string | null;
  capacity: number | null;
  status: SessionStatus;
}

export type UpdatableField = 'title' | 'startsAt' | 'endsAt' | 'timezone' | 'instructorId' | 'roomId' | 'capacity' | 'status';

export interface SessionChange {
  action: SessionAction;
  seriesId: string;
  branchId: string;
  occurrenceKey: LocalDate;
  /** The existing row (update, delete, cancel). */
  sessionId: string | null;
  before: SessionView | null;
  after: SessionView | null;
  /** For create and update: the full desired session. */
  desired?: DesiredSession;
  /** For update: only the fields that differ (a cancelled session desired again includes `status`). */
  fields?: UpdatableField[];
  /** For delete/cancel: why it is no longer desired. */
  reason?: string;
  /** booked_count of the existing row, so a plan reader sees why it is cancelled, not deleted. */
  bookedCount?: number;
}

export interface SeriesArchiveChange {
  action: 'delete-series';
  seriesId: string;
  branchId: string;
  occurrenceKey: null;
  /** The series row as read at the run's snapshot; copied into class_series_archive. */
  series: ClassSeries;
  /** The version the plan saw: the archive is skipped if the row changed since. */
  version: string;
  reason: string;
}

export type Change = SessionChange | SeriesArchiveChange;

/** A session the diff leaves as it is although it is not desired or differs (detached, `keep`). */
export interface KeptSession {
  seriesId: string;
  branchId: string;
  occurrenceKey: LocalDate;
  sessionId: string;
  /** detached: edited by a person · removal-keep: the removal policy is keep · booked-change: an update blocked by removal.bookedChanges: block. */
  reason: 'detached' | 'removal-keep' | 'booked-change';
}

/**
 * An occurrence the rule produces in the window but that gets no session,
 * because its start time does not exist that day (a spring-forward gap) and
 * the branch's `dst.nonexistentTime` is `skip`.
 */
export interface SkippedByDst {
  seriesId: string;
  branchId: string;
  occurrenceKey: LocalDate;
  /** The local start time that does not exist that day, `HH:MM`. */
  localTime: string;
  timezone: string;
  /** The setting that decided it. */
  rule: 'dst.nonexistentTime: skip';
}

/** Codes of the warnings a plan computes itself (beside the problems' codes, core/errors.ts). */
export const PlanWarningCodes = {
  ROOM_DOUBLE_BOOKED: 'ROOM_DOUBLE_BOOKED',
  INSTRUCTOR_DOUBLE_BOOKED: 'INSTRUCTOR_DOUBLE_BOOKED',
  SERIES_EXPANSION_CAP: 'SERIES_EXPANSION_CAP',
  SERIES_MOVED_BRANCH: 'SERIES_MOVED_BRANCH',
  BOOKED_SESSION_CHANGED: 'BOOKED_SESSION_CHANGED',
} as const;

export type PlanWarningCode = (typeof PlanWarningCodes)[keyof typeof PlanWarningCodes];

export interface PlanWarning {
  /** A plan warning code, or the code of a warning problem (e.g. CONFIG_UNKNOWN_TARGET). */
  code: PlanWarningCode | ErrorCode;
  branchId?: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface BranchPlan {
  branchId: string;
  timezone: string;
  /** The branch's local date at `now`. */
  today: LocalDate;
  /** The branch's series in the run's snapshot. */
  seriesIds: string[];
  changes: Change[];
  kept: KeptSession[];
  /** Series left out of this branch's plan (invalid inputs, disabled). */
  skippedSeries: Array<{ seriesId: string; reason: 'disabled' | 'invalid' }>;
  /** Occurrences not generated because their start time does not exist (DST gap, `skip`), by series and key. */
  skippedByDst: SkippedByDst[];
  problems: Problem[];
  warnings: PlanWarning[];
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  cancel: number;
  seriesDeleted: number;
  skipped: number;
  errors: number;
}
