// The plan grouped by branch and series for the console: counts of every
// change (always complete), the details of the first `limit` changes that
// match a kind, and the plan's totals exactly as `reconcile --output json`
// reports them. Fed branch by branch, it holds counts and at most `limit`
// changes, never the whole plan.
import type { PlanJson, PlanJsonChange } from './plan-json.js';
import type { PlanWarning, SkippedByDst } from '../plan-types.js';

/** What a change does, as the console filters it: `archive` is the plan's `delete-series`. */
export const CHANGE_KINDS = ['create', 'update', 'delete', 'cancel', 'archive'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
/** `booked`: changes to sessions that have bookings, whatever their kind. */
export const SUMMARY_FILTERS = [...CHANGE_KINDS, 'booked'] as const;
export type SummaryFilter = (typeof SUMMARY_FILTERS)[number];

export type ChangeCounts = Record<ChangeKind, number> & { bookingsAffected: number; skippedByDst: number };

export interface SeriesSummary {
  seriesId: string;
  counts: ChangeCounts;
  changes: PlanJsonChange[];
}

export interface BranchSummary {
  branchId: string;
  counts: ChangeCounts;
  series: SeriesSummary[];
  /** Series left out of the plan (invalid inputs, disabled). */
  skippedSeries: Array<{ seriesId: string; reason: string }>;
}

export interface PlanSummaryJson {
  now: string;
  /** The plan's summary as `reconcile --output json` has it, plus `archive` (= seriesDeleted), bookingsAffected and warnings. */
  totals: PlanJson['summary'] & { archive: number; bookingsAffected: number; warnings: number };
  filter: { branch: string | null; kind: SummaryFilter | null; limit: number };
  branches: BranchSummary[];
  /** The first `limit` warnings (double bookings, booked sessions changed, problems of the documents). */
  warnings: PlanWarning[];
  /** The first `limit` occurrences not generated because of a DST gap. */
  skippedByDst: SkippedByDst[];
  errors: PlanJson['errors'];
  configDigest: string;
  /** More changes matched than `limit` (or more warnings or DST skips): the counts are still complete. */
  truncated: boolean;
}

export function kindOf(c: Pick<PlanJsonChange, 'action'>): ChangeKind {
  return c.action === 'delete-series' ? 'archive' : c.action;
}

const zero = (): ChangeCounts => ({ create: 0, update: 0, delete: 0, cancel: 0, archive: 0, bookingsAffected: 0, skippedByDst: 0 });

export interface PlanSummaryCollector {
  /** One branch's changes, in plan order. */
  add(changes: readonly PlanJsonChange[]): void;
  /** The response, from the plan's closing fields. */
  finish(now: string, tail: Omit<PlanJson, 'formatVersion' | 'now' | 'mode' | 'changes'>): PlanSummaryJson;
}

export function createPlanSummaryCollector(o: { branch: string | null; kind: SummaryFilter | null; limit: number }): PlanSummaryCollector {
  const branches = new Map<string, { counts: ChangeCounts; series: Map<string, SeriesSummary> }>();
  let detailed = 0;
  let truncated = false;
  let bookingsAffected = 0;

  const seriesOf = (branchId: string, seriesId: string) => {
    let b = branches.get(branchId);
    if (!b) branches.set(branchId, (b = { counts: zero(), series: new Map() }));
    let s = b.series.get(seriesId);
    if (!s) b.series.set(seriesId, (s = { seriesId, counts: zero(), changes: [] }));
    return { b, s };
  };
  const matches = (c: PlanJsonChange): boolean => o.kind === null || (o.kind === 'booked' ? (c.bookedCount ?? 0) > 0 : kindOf(c) === o.kind);

  return {
    add(changes) {
      for (const c of changes) {
        const { b, s } = seriesOf(c.branchId, c.seriesId);
        const kind = kindOf(c);
        b.counts[kind]++;
        s.counts[kind]++;
        if ((c.bookedCount ?? 0) > 0) {
          b.counts.bookingsAffected++;
          s.counts.bookingsAffected++;
          bookingsAffected++;
        }
        if (!matches(c)) continue;
        if (detailed < o.limit) {
          s.changes.push(c);
          detailed++;
        } else truncated = true;
      }
    },
    finish(now, tail) {
      for (const skip of tail.skippedByDst) {
        const { b, s } = seriesOf(skip.branchId, skip.seriesId);
        b.counts.skippedByDst++;
        s.counts.skippedByDst++;
      }
      const skippedSeries = new Map(tail.branches.map((b) => [b.branchId, b.skippedSeries]));
      // Every branch of the plan is listed, one with nothing to change too (its skipped series may say why).
      for (const b of tail.branches) if (!branches.has(b.branchId)) branches.set(b.branchId, { counts: zero(), series: new Map() });
      if (tail.warnings.length > o.limit || tail.skippedByDst.length > o.limit) truncated = true;
      return {
        now,
        totals: { ...tail.summary, archive: tail.summary.seriesDeleted, bookingsAffected, warnings: tail.warnings.length },
        filter: o,
        branches: [...branches].map(([branchId, b]) => ({
          branchId,
          counts: b.counts,
          series: [...b.series.values()],
          skippedSeries: skippedSeries.get(branchId) ?? [],
        })),
        warnings: tail.warnings.slice(0, o.limit),
        skippedByDst: tail.skippedByDst.slice(0, o.limit),
        errors: tail.errors,
        configDigest: tail.configDigest,
        truncated,
      };
    },
  };
}
