// The lines of a text plan: one per change, and one per occurrence the plan
// names without changing it (skipped for a DST gap, a booked session kept).
import type { BookedChangeDetails } from '../booked-changes.js';
import type { SessionView, SkippedByDst } from '../plan-types.js';
import { formatLocal } from './local-time.js';
import type { PlanJsonChange } from './plan-json.js';

export const SYMBOL: Record<PlanJsonChange['action'], string> = {
  create: '+',
  update: '~',
  delete: '-',
  cancel: '!',
  'delete-series': 'x',
};

/** One line of a series' section: a change, or an occurrence the plan names without changing it. */
export interface SeriesLine {
  seriesId: string;
  key: string;
  text: string;
}

export function bySeriesAndKey(a: { seriesId: string; key: string }, b: { seriesId: string; key: string }): number {
  if (a.seriesId !== b.seriesId) return a.seriesId < b.seriesId ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function bookedKinds(d: BookedChangeDetails): string {
  const kinds = new Set(d.changes.map((i) => i.what));
  return [
    kinds.has('capacity') ? `capacity ${d.changes.find((i) => i.what === 'capacity')!.after} is below the bookings` : null,
    kinds.has('time') ? 'moved' : null,
    kinds.has('room') ? 'another room' : null,
  ]
    .filter(Boolean)
    .join(', ');
}

export function renderBookedKept(d: BookedChangeDetails, tz: string): string {
  const what = d.changes.map((i) =>
    i.what === 'time' && typeof i.before === 'string' && typeof i.after === 'string'
      ? `${i.field}: ${formatLocal(i.before, tz)} → ${formatLocal(i.after, tz)}`
      : `${i.field}: ${JSON.stringify(i.before)} → ${JSON.stringify(i.after)}`,
  );
  return `= ${d.occurrenceKey}  kept as it is, ${d.bookedCount} booked; not applied: ${what.join('; ')} (${d.setting})`;
}

export function renderSkippedByDst(s: SkippedByDst): string {
  return `/ ${s.occurrenceKey}  no session: ${s.localTime} does not exist in ${s.timezone} that day (clocks spring forward; ${s.rule})`;
}

export function renderChange(c: PlanJsonChange, tz: string): string {
  const sym = SYMBOL[c.action];
  switch (c.action) {
    case 'create':
      return `${sym} ${c.occurrenceKey}  ${describe(c.after!, tz)}`;
    case 'update': {
      const diffs = (c.fields ?? []).map((f) => `${f}: ${show(c.before!, f, tz)} → ${show(c.after!, f, tz)}`);
      return `${sym} ${c.occurrenceKey}  ${diffs.join('; ')}`;
    }
    case 'delete':
      return `${sym} ${c.occurrenceKey}  ${describe(c.before!, tz)}  (${c.reason})`;
    case 'cancel':
      return `${sym} ${c.occurrenceKey}  cancel ${describe(c.before!, tz)}  (${c.reason}${c.bookedCount ? `; ${c.bookedCount} booked` : ''})`;
    case 'delete-series':
      return `${sym} archive and delete series ${c.seriesId} (${c.reason}); its sessions are kept`;
  }
}

function describe(v: SessionView, tz: string): string {
  const extras = [
    v.roomId !== null ? `room ${v.roomId}` : null,
    v.instructorId !== null ? `instructor ${v.instructorId}` : null,
    v.capacity !== null ? `capacity ${v.capacity}` : null,
  ].filter(Boolean);
  return `${formatLocal(v.startsAt, tz)} → ${formatLocal(v.endsAt, tz).slice(11)} "${v.title}"${extras.length ? ' ' + extras.join(', ') : ''}`;
}

function show(v: SessionView, field: string, tz: string): string {
  const value = (v as unknown as Record<string, unknown>)[field];
  if ((field === 'startsAt' || field === 'endsAt') && typeof value === 'string') return formatLocal(value, tz);
  return JSON.stringify(value);
}
