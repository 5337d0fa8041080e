// Terraform-style text rendering of a plan: grouped by branch and series, one
// line per change (and per occurrence the plan names without changing it:
// skipped for a DST gap, or a booked session kept as it is), then the
// warnings and the totals line. Rendered branch by branch as a run hands them
// on; past a limit of listed changes, the rest is counted per branch and
// series instead of listed, so a plan of millions of changes prints in a few
// megabytes (`--detail full` lists every change).
import type { BookedChangeDetails } from '../booked-changes.js';
import type { PlanWarning, SkippedByDst } from '../plan-types.js';
import type { PlanJson, PlanJsonChange, PlanJsonSummary } from './plan-json.js';
import { renderAppliedCounts } from './applied-counts.js';
import { isDoubleBooking } from '../double-booking.js';
import { describeDoubleBookingGroup, groupDoubleBookings } from '../double-booking-groups.js';
import { bookedKinds, bySeriesAndKey, renderBookedKept, renderChange, renderSkippedByDst, type SeriesLine } from './plan-text-lines.js';
import { describeTarget, type RunTarget } from '../run-target.js';

/** Changes listed one per line before the text plan counts the rest per branch and series. */
export const DEFAULT_LISTED_CHANGES = 1000;

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

/** One branch as the text plan needs it. */
export interface BranchText {
  branchId: string;
  timezone: string;
  today: string;
  changes: readonly PlanJsonChange[];
  skippedByDst: readonly SkippedByDst[];
  /** The branch's warnings; its BOOKED_SESSION_CHANGED ones mark or add lines. */
  warnings: readonly PlanWarning[];
}

/** What the closing lines need: known only once every branch is rendered. */
export interface PlanTextEnd {
  summary: PlanJsonSummary;
  /** Every warning of the plan (run-level and per branch), as in the plan JSON. */
  warnings: readonly PlanWarning[];
  errors: PlanJson['errors'];
  applied?: boolean;
  written?: AppliedCounts;
  /** A targeted run's --branch / --series. */
  target?: RunTarget;
  /** The run that wrote `written`, named in the Applied line. */
  runId?: string | null;
}

export interface PlanTextRenderer {
  /** The text of one branch (in branch order): its listed lines, or its counts once the limit is reached. */
  branch(b: BranchText): string;
  /** The warnings, errors and totals lines. */
  end(e: PlanTextEnd): string;
}

const ACTION_WORDS: Array<[PlanJsonChange['action'], string]> = [
  ['create', 'to create'],
  ['update', 'to update'],
  ['delete', 'to delete'],
  ['cancel', 'to cancel'],
  ['delete-series', 'series to archive'],
];

/** `limit`: changes listed one per line (default DEFAULT_LISTED_CHANGES; Infinity lists all). */
export function createPlanTextRenderer(opts: { limit?: number } = {}): PlanTextRenderer {
  const limit = opts.limit ?? DEFAULT_LISTED_CHANGES;
  let listed = 0;
  let changes = 0;
  let countingStarted = false;
  return {
    branch(b) {
      const lines: string[] = [];
      const tz = b.timezone;
      changes += b.changes.length;
      // Occurrences named without a change (few), merged into the changes by series and key.
      const noted: SeriesLine[] = b.skippedByDst.map((s) => ({ seriesId: s.seriesId, key: s.occurrenceKey, text: renderSkippedByDst(s) }));
      // Booked sessions an update changes: flagged next to the update, or listed as kept when blocked.
      const bookedUpdates = new Map<string, BookedChangeDetails>();
      for (const w of b.warnings) {
        if (w.code !== 'BOOKED_SESSION_CHANGED') continue;
        const d = w.details as unknown as BookedChangeDetails;
        if (d.outcome === 'kept') noted.push({ seriesId: d.seriesId, key: d.occurrenceKey, text: renderBookedKept(d, tz) });
        else bookedUpdates.set(`${d.seriesId}\u0000${d.occurrenceKey}`, d);
      }
      noted.sort(bySeriesAndKey);
      const toList = Math.min(b.changes.length, Math.max(0, limit - listed));
      // Once the limit is reached, a branch's lines are counted, not listed; its noted lines are counted in the closing lines.
      if (toList > 0 || (listed < limit && noted.length > 0)) {
        lines.push(`Branch ${b.branchId} (${tz}, today ${b.today})`);
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
        for (let i = 0; i < toList; i++) {
          const c = b.changes[i]!;
          const at = { seriesId: c.seriesId, key: c.occurrenceKey ?? '~' };
          while (n < noted.length && bySeriesAndKey(noted[n]!, at) < 0) emit(noted[n]!.seriesId, noted[n++]!.text);
          const booked = c.action === 'update' && bookedUpdates.size > 0 ? bookedUpdates.get(`${c.seriesId}\u0000${c.occurrenceKey}`) : undefined;
          emit(c.seriesId, renderChange(c, tz) + (booked ? `  (${booked.bookedCount} booked: ${bookedKinds(booked)}; ${booked.setting})` : ''));
        }
        if (toList === b.changes.length) while (n < noted.length) emit(noted[n]!.seriesId, noted[n++]!.text);
        lines.push('');
        listed += toList;
      }
      if (toList < b.changes.length) {
        if (!countingStarted) {
          countingStarted = true;
          lines.push(`Only the first ${limit} changes are listed; the others are counted per branch and series below (--detail full lists every change).`, '');
        }
        lines.push(...countLines(b, toList));
      }
      return lines.length > 0 ? lines.join('\n') + '\n' : '';
    },
    end(e) {
      const lines: string[] = [];
      if (countingStarted) lines.push('');
      const bookedWarnings = e.warnings.filter((w) => w.code === 'BOOKED_SESSION_CHANGED');
      // Double bookings repeat on every date two series share: one line per resource and pair of series, where the first of them stood.
      let doubleBookingsListed = false;
      for (const w of e.warnings) {
        if (w.code === 'BOOKED_SESSION_CHANGED') continue;
        if (!isDoubleBooking(w)) {
          lines.push(`Warning [${w.code}]: ${w.message}`);
        } else if (!doubleBookingsListed) {
          doubleBookingsListed = true;
          for (const g of groupDoubleBookings(e.warnings)) lines.push(`Warning [${g.code}]: ${describeDoubleBookingGroup(g)}`);
        }
      }
      if (bookedWarnings.length > 0) {
        const kept = bookedWarnings.filter((w) => (w.details as unknown as BookedChangeDetails).outcome === 'kept').length;
        lines.push(
          `Warning [BOOKED_SESSION_CHANGED]: ${bookedWarnings.length} booked session(s) would be changed under their bookings (capacity below the bookings, moved, or another room): ` +
            `${bookedWarnings.length - kept} updated anyway, marked "booked" above; ${kept} kept as they are, marked =. Tell the members, or choose with removal.bookedChanges (warn | block).`,
        );
      }
      for (const err of e.errors) {
        const where = [err.origin, err.document && `document ${err.document}`, err.pointer && `at ${err.pointer}`].filter(Boolean).join(', ');
        lines.push(`Error [${err.code}] ${err.scope}${where ? ` (${where})` : ''}: ${err.message}`);
      }
      if (e.warnings.length + e.errors.length > 0) lines.push('');
      const s = e.summary;
      if (changes === 0) {
        lines.push('No changes.');
      } else if (e.applied && e.written) {
        const w = e.written;
        lines.push(renderAppliedCounts(e.runId, w));
        if (w.conflicts > 0) lines.push(`${w.conflicts} planned changes not written: another run or the host application changed those rows after the plan; the next run plans them again.`);
        for (const b of w.lockedBranches) lines.push(`Branch ${b} skipped: another run or replica holds its lock; nothing of it was written by this run.`);
        for (const f of w.failedBranches) lines.push(`Branch ${f.branchId} failed: ${f.error}; nothing of it was written, the next run retries it.`);
      } else {
        lines.push(`Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.cancel} to cancel, ${s.seriesDeleted} series to archive.`);
      }
      if (e.target) lines.push(`Targeted at ${describeTarget(e.target)}: nothing else was planned or written.`);
      if (s.skipped > 0) lines.push(`${s.skipped} series skipped (disabled or invalid; their sessions are left as they are).`);
      if (s.skippedByDst > 0) lines.push(`${s.skippedByDst} occurrence(s) get no session: their start time does not exist that day (DST gap, dst.nonexistentTime: skip; lines marked /).`);
      return lines.join('\n') + '\n';
    },
  };
}

/** A branch's changes from `from` on, counted by action: one line for the branch, one per series. */
function countLines(b: BranchText, from: number): string[] {
  const bySeries = new Map<string, Map<string, number>>();
  const total = new Map<string, number>();
  for (let i = from; i < b.changes.length; i++) {
    const c = b.changes[i]!;
    let counts = bySeries.get(c.seriesId);
    if (!counts) bySeries.set(c.seriesId, (counts = new Map()));
    counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
    total.set(c.action, (total.get(c.action) ?? 0) + 1);
  }
  const phrase = (counts: Map<string, number>) =>
    ACTION_WORDS.filter(([a]) => counts.has(a))
      .map(([a, words]) => `${counts.get(a)} ${words}`)
      .join(', ');
  const lines = [`Branch ${b.branchId} (${b.timezone}, today ${b.today}): ${from > 0 ? `${b.changes.length - from} more not listed: ` : ''}${phrase(total)}`];
  for (const [seriesId, counts] of bySeries) lines.push(`  Series ${seriesId}: ${phrase(counts)}`);
  return lines;
}

/** The whole plan as text, every change listed unless `limit` says otherwise. */
export function renderPlanText(plan: PlanJson, opts: { applied?: boolean; written?: AppliedCounts; limit?: number } = {}): string {
  const byBranch = new Map<string, PlanJsonChange[]>();
  for (const c of plan.changes) {
    const list = byBranch.get(c.branchId);
    if (list) list.push(c);
    else byBranch.set(c.branchId, [c]);
  }
  const group = <T extends { branchId?: string }>(items: readonly T[]) => {
    const m = new Map<string, T[]>();
    for (const i of items) m.set(i.branchId ?? '', [...(m.get(i.branchId ?? '') ?? []), i]);
    return m;
  };
  const dstByBranch = group(plan.skippedByDst ?? []);
  const bookedByBranch = group(plan.warnings.filter((w) => w.code === 'BOOKED_SESSION_CHANGED'));
  const r = createPlanTextRenderer({ limit: opts.limit ?? Infinity });
  let text = '';
  for (const b of plan.branches) {
    text += r.branch({ ...b, changes: byBranch.get(b.branchId) ?? [], skippedByDst: dstByBranch.get(b.branchId) ?? [], warnings: bookedByBranch.get(b.branchId) ?? [] });
  }
  return text + r.end({ summary: plan.summary, warnings: plan.warnings, errors: plan.errors, applied: opts.applied, written: opts.written });
}
