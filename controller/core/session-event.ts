// One recorded change (a row of session_events), as history shows it.
export type EventKind = 'create' | 'update' | 'delete' | 'cancel' | 'archive' | 'unarchive';

export const EVENT_KINDS: readonly EventKind[] = ['create', 'update', 'delete', 'cancel', 'archive', 'unarchive'];

export interface SessionEvent {
  id: string;
  /** The run that wrote the change; null for a change outside a run (unarchive). */
  runId: string | null;
  /** ISO UTC: the time of the transaction that wrote the change. */
  at: string;
  branchId: string;
  seriesId: string;
  /** Null for a series event (archive, unarchive). */
  occurrenceKey: string | null;
  sessionId: string | null;
  kind: EventKind;
  bookedCount: number | null;
  /** A change-reason code (core/change-reasons.ts). */
  reason: string;
  /** Update: only the changed fields; delete: the whole session; archive: the series row. */
  before: Record<string, unknown> | null;
  /** Update: only the changed fields; create: the whole session; unarchive: the series row. */
  after: Record<string, unknown> | null;
}
