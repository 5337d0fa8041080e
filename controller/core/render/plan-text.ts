// Terraform-style text rendering of a plan: grouped by branch and series, one
// line per change (and per occurrence the plan names without changing it:
// skipped for a DST gap, or a booked session kept as it is), then the
// warnings and the totals line.
import type { PlanJson, PlanJsonChange } from './plan-json.js';
import type { BookedChangeDetails } from '../booked-changes.js';
import type { SessionView, SkippedByDst } from '../plan-types.js';
import { formatLocal } from './local-time.js';

const SYMBOL: Record<PlanJsonChange['action'], string> = {
  create: '+',
  update: '~',
  delete: '-',
  cancel: '!',
  'delete-series': 'x',
};

/** What an apply wrote (not what it planned), for the closing lines. */
export interface AppliedCounts {
  create: number;
  update: number;
  delete: number;
  cancel: number;
  seriesDeleted: number;
  /** Planned changes not written because the row changed under the plan (another run, the host). */
  conflicts: number;
  lockedBranches: string[];
  failedBranches: Array<{ branchId: string; error: string }>;
}

export function renderPlanText(plan: PlanJson, opts: { applied?: boolean; written?: AppliedCounts } = {}): string {
  const lines: string[] = [];
  const zoneOf = new Map(plan.branches.map((b) => [b.branchId, b.timezone]));
  const byBranch = new Map<string, PlanJsonChange[]>();
  for (const c of plan.changes) {
    const list = byBranch.get(c.branchId);
    if (list) list.push(c);
    else byBranch.set(c.branchId, [c]);
  }
  // Occurrences named without a change (few), merged into each branch's changes by series and key.
  const notedByBranch = new Map<string, SeriesLine[]>();
  const note = (branchId: string, line: SeriesLine) => {
    const list = notedByBranch.get(branchId) ?? [];
    list.push(line);
    notedByBranch.set(branchId, list);
  };
  for (const s of plan.skippedByDst ?? []) note(s.branchId, { seriesId: s.seriesId, key: s.occurrenceKey, text: renderSkippedByDst(s) });
  // Booked sessions an update changes: flagged next to the update, or listed as kept when blocked.
  const bookedUpdates = new Map<string, BookedChangeDetails>();
  const bookedWarnings = plan.warnings.filter((w) => w.code === 'BOOKED_SESSION_CHANGED');
  for (const w of bookedWarnings) {
    const d = w.details as unknown as BookedChangeDetails;
    const tz = zoneOf.get(w.branchId ?? '') ?? 'UTC';
    if (d.outcome === 'kept') note(w.branchId ?? '', { seriesId: d.seriesId, key: d.occurrenceKey, text: renderBookedKept(d, tz) });
    else bookedUpdates.set(`${d.seriesId}\u0000${d.occurrenceKey}`, d);
  }
  for (const b of plan.branches) {
    const changes = byBranch.get(b.branchId) ?? [];
    const noted = (notedByBranch.get(b.branchId) ?? []).sort(bySeriesAndKey);
    if (changes.length === 0 && noted.length === 0) continue;
    lines.push(`Branch ${b.branchId} (${b.timezone}, today ${b.today})`);
    let currentSeries = '';
    const emit = (seriesId: string, text: string) => {
      if (seriesId !== currentSeries) {
        currentSeries = seriesId;
        lines.push(`  Series ${seriesId}`);
      }
      lines.push('    ' + text);
    };
    // Changes come sorted by series and key; each noted line goes before the first change after it.
    let n = 0;
    for (const c of changes) {
      const at = { seriesId: c.seriesId, key: c.occurrenceKey ?? '~' };
      while (n < noted.length && bySeriesAndKey(noted[n]!, at) < 0) emit(noted[n]!.seriesId, noted[n++]!.text);
      const booked = c.action === 'update' && bookedUpdates.size > 0 ? bookedUpdates.get(`${c.seriesId}\u0000${c.occurrenceKey}`) : undefined;
      emit(c.seriesId, renderChange(c, zoneOf.get(c.branchId) ?? 'UTC') + (booked ? `  (${booked.bookedCount} booked: ${bookedKinds(booked)}; ${booked.setting})` : ''));
    }
    while (n < noted.length) emit(noted[n]!.seriesId, noted[n++]!.text);
    lines.push('');
  }
  for (const w of plan.warnings) if (w.code !== 'BOOKED_SESSION_CHANGED') lines.push(`Warning [${w.code}]: ${w.message}`);
  if (bookedWarnings.length > 0) {
    const kept = bookedWarnings.filter((w) => (w.details as unknown as BookedChangeDetails).outcome === 'kept').length;
    lines.push(
      `Warning [BOOKED_SESSION_CHANGED]: ${bookedWarnings.length} booked session(s) would be changed under their bookings (capacity below the bookings, moved, or another room): ` +
        `${bookedWarnings.length - kept} updated anyway, marked "booked" above; ${kept} kept as they are, marked =. Tell the members, or choose with removal.bookedChanges (warn | block).`,
    );
  }
  for (const e of plan.errors) {
    const where = [e.origin, e.document && `document ${e.document}`, e.pointer && `at ${e.pointer}`].filter(Boolean).join(', ');
    lines.push(`Error [${e.code}] ${e.scope}${where ? ` (${where})` : ''}: ${e.message}`);
  }
  if (plan.warnings.length + plan.errors.length > 0) lines.push('');
  const s = plan.summary;
  if (plan.changes.length === 0) {
    lines.push('No changes.');
  } else if (opts.applied && opts.written) {
    const w = opts.written;
    lines.push(`Applied: ${w.create} created, ${w.update} updated, ${w.delete} deleted, ${w.cancel} cancelled, ${w.seriesDeleted} series archived.`);
    if (w.conflicts > 0) lines.push(`${w.conflicts} planned changes not written: another run or the host application changed those rows after the plan; the next run plans them again.`);
    for (const b of w.lockedBranches) lines.push(`Branch ${b} skipped: another run or replica holds its lock; nothing of it was written by this run.`);
    for (const f of w.failedBranches) lines.push(`Branch ${f.branchId} failed: ${f.error}; nothing of it was written, the next run retries it.`);
  } else {
    lines.push(`Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.cancel} to cancel, ${s.seriesDeleted} series to archive.`);
  }
  if (s.skipped > 0) lines.push(`${s.skipped} series skipped (disabled or invalid; their sessions are left as they are).`);
  if (s.skippedByDst > 0) lines.push(`${s.skippedByDst} occurrence(s) get no session: their start time does not exist that day (DST gap, dst.nonexistentTime: skip; lines marked /).`);
  return lines.join('\n') + '\n';
}

/** One line of a series' section: a change, or an occurrence the plan names without changing it. */
interface SeriesLine {
  seriesId: string;
  key: string;
  text: string;
}

function bySeriesAndKey(a: { seriesId: string; key: string }, b: { seriesId: string; key: string }): number {
  if (a.seriesId !== b.seriesId) return a.seriesId < b.seriesId ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function bookedKinds(d: BookedChangeDetails): string {
  const kinds = new Set(d.changes.map((i) => i.what));
  return [
    kinds.has('capacity') ? `capacity ${d.changes.find((i) => i.what === 'capacity')!.after} is below the bookings` : null,
    kinds.has('time') ? 'moved' : null,
    kinds.has('room') ? 'another room' : null,
  ]
    .filter(Boolean)
    .join(', ');
}

function renderBookedKept(d: BookedChangeDetails, tz: string): string {
  const what = d.changes.map((i) =>
    i.what === 'time' && typeof i.before === 'string' && typeof i.after === 'string'
      ? `${i.field}: ${formatLocal(i.before, tz)} → ${formatLocal(i.after, tz)}`
      : `${i.field}: ${JSON.stringify(i.before)} → ${JSON.stringify(i.after)}`,
  );
  return `= ${d.occurrenceKey}  kept as it is, ${d.bookedCount} booked; not applied: ${what.join('; ')} (${d.setting})`;
}

function renderSkippedByDst(s: SkippedByDst): string {
  return `/ ${s.occurrenceKey}  no session: ${s.localTime} does not exist in ${s.timezone} that day (clocks spring forward; ${s.rule})`;
}

function renderChange(c: PlanJsonChange, tz: string): string {
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
