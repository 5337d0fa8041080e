// Why a planned session change was not written: the statements re-check
// what the plan assumed, and a row that no longer qualifies is left alone
// and reported with one of these reasons.
import type { SessionChange } from '../core/plan-types.js';

export type SkipReason =
  | 'session-gone'
  | 'detached'
  | 'started'
  | 'booked'
  | 'already-current'
  | 'conflict'
  | 'changed-since-plan'
  | 'duplicate-in-plan'
  | 'no-session-id';

const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  'session-gone': 'the session was deleted since the plan was made',
  detached: 'the session was detached (edited by a person) since the plan was made; it is never touched',
  started: 'the session has started; a started session is history and never changed',
  booked: 'the session was booked since the plan was made, so it is not deleted; the next run applies the removal policy for booked sessions',
  'already-current': 'the session already has these values; nothing was written',
  conflict: 'a session for this series and occurrence already exists (created by another run); the next run compares it',
  'changed-since-plan':
    'the session was changed by another run or the host application after this plan observed it; this older plan does not overwrite it, and the next run plans it again from its new values',
  'duplicate-in-plan': 'the plan holds this change twice; it was applied once',
  'no-session-id': 'the change names no existing session',
};

export function describeSkipReason(reason: SkipReason): string {
  return SKIP_REASON_TEXT[reason];
}

export interface SkippedSessionChange {
  sessionId: string | null;
  occurrenceKey: string;
  seriesId: string;
  reason: SkipReason;
}

export function skip(c: SessionChange, reason: SkipReason): SkippedSessionChange {
  return { sessionId: c.sessionId, occurrenceKey: c.occurrenceKey, seriesId: c.seriesId, reason };
}
