// Why a change was planned, as a short stable code stored with its history
// event. Derived from the planned change alone (pure): a removal carries the
// sentence the planner wrote for it, a create or update what changed.
import type { Change } from './plan-types.js';

export type ChangeReason =
  /** A date of the recurrence that gets its session (it entered the window, or the series is new). */
  | 'occurrence'
  /** The series (or a setting that shapes its sessions) was edited: fields or dates changed. */
  | 'series-edited'
  /** A cancelled session desired again is scheduled again. */
  | 'rescheduled'
  /** The branch is closed that day (closures). */
  | 'closure'
  /** The date is in the series' exdates. */
  | 'exdate'
  /** The date lies past the series' end date, or the series ended and was archived. */
  | 'end-of-series'
  /** The start time does not exist that day and dst.nonexistentTime is skip. */
  | 'dst-rule'
  /** The date fell beyond the generation horizon (the horizon was shortened). */
  | 'horizon'
  /** The series was deleted by the host application; its sessions follow the removal policy. */
  | 'series-deleted'
  /** Not desired for a reason the planner did not name: the removal policy applied. */
  | 'removal-policy'
  /** A person brought an archived series back (classctl unarchive). */
  | 'unarchived';

export const CHANGE_REASONS: readonly ChangeReason[] = [
  'occurrence', 'series-edited', 'rescheduled', 'closure', 'exdate', 'end-of-series', 'dst-rule', 'horizon', 'series-deleted', 'removal-policy', 'unarchived',
];

// The planner's removal sentences (plan-branch.ts whyNotDesired and the
// deleted-series diff), matched by the words that name their cause.
const REMOVAL_PATTERNS: Array<[RegExp, ChangeReason]> = [
  [/closed that day/, 'closure'],
  [/exdates/, 'exdate'],
  [/after the series end date/, 'end-of-series'],
  [/DST gap|does not exist that day/, 'dst-rule'],
  [/generation horizon/, 'horizon'],
  [/deleted from class_series/, 'series-deleted'],
  [/before the series start date|no longer produces/, 'series-edited'],
];

export function changeReason(change: Change): ChangeReason {
  switch (change.action) {
    case 'delete-series':
      return 'end-of-series';
    case 'create':
      return 'occurrence';
    case 'update':
      return change.before?.status === 'cancelled' && (change.fields ?? []).includes('status') ? 'rescheduled' : 'series-edited';
    case 'delete':
    case 'cancel': {
      const text = change.reason ?? '';
      for (const [pattern, reason] of REMOVAL_PATTERNS) if (pattern.test(text)) return reason;
      return 'removal-policy';
    }
  }
}
