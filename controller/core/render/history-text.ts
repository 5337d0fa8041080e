// History as text: one line per event, newest first as read, and a run's
// changes per branch. Values are shown as stored (instants in UTC).
import type { SessionEvent } from '../session-event.js';

export const HISTORY_COLUMNS = ['AT', 'RUN', 'KIND', 'SESSION', 'REASON', 'CHANGE'] as const;

const show = (v: unknown): string => (v === null || v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v));

/** What changed, in a few words: the changed fields of an update, the start of a created or deleted session. */
export function describeChange(e: SessionEvent): string {
  switch (e.kind) {
    case 'update': {
      const before = e.before ?? {};
      const after = e.after ?? {};
      const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
      return fields.map((f) => `${f}: ${show(before[f])} → ${show(after[f])}`).join('; ');
    }
    case 'create':
      return `starts ${show(e.after?.startsAt)}`;
    case 'delete':
      return `starts ${show(e.before?.startsAt)}, booked ${e.bookedCount ?? 0}`;
    case 'cancel':
      return `booked ${e.bookedCount ?? 0}`;
    case 'archive':
      return `series "${show(e.before?.title)}" archived`;
    case 'unarchive':
      return `series "${show(e.after?.title)}" restored`;
  }
}

export function historyCells(e: SessionEvent): string[] {
  return [e.at, e.runId ?? '-', e.kind, e.occurrenceKey === null ? e.seriesId : `${e.seriesId}/${e.occurrenceKey}`, e.reason, describeChange(e)];
}

/** Lines with the given column widths (the last column is never padded). */
export function historyLine(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd() + '\n';
}

/** Fixed widths, so that batches line up without reading everything first. */
export const HISTORY_WIDTHS = [24, 6, 9, 32, 14];
