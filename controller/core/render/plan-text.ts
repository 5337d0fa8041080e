// Terraform-style text rendering of a plan: grouped by branch and series, one
// line per change, then the totals line.
import type { PlanJson, PlanJsonChange } from './plan-json.js';
import type { SessionView } from '../plan-types.js';
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
  for (const b of plan.branches) {
    const changes = byBranch.get(b.branchId);
    if (!changes || changes.length === 0) continue;
    lines.push(`Branch ${b.branchId} (${b.timezone}, today ${b.today})`);
    let currentSeries = '';
    for (const c of changes) {
      if (c.seriesId !== currentSeries) {
        currentSeries = c.seriesId;
        lines.push(`  Series ${c.seriesId}`);
      }
      lines.push('    ' + renderChange(c, zoneOf.get(c.branchId) ?? 'UTC'));
    }
    lines.push('');
  }
  for (const w of plan.warnings) lines.push(`Warning: ${w.message}`);
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
  return lines.join('\n') + '\n';
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
