// The plan grouped for the console: counts always complete, details of the
// first `limit` changes of the kind asked for.
import t from 'tap';
import type { PlanJsonChange } from '../../../controller/core/render/plan-json.js';
import { createPlanSummaryCollector, type SummaryFilter } from '../../../controller/core/render/plan-summary.js';

const change = (action: PlanJsonChange['action'], seriesId: string, key: string, bookedCount?: number): PlanJsonChange => ({
  action, seriesId, occurrenceKey: action === 'delete-series' ? null : key, branchId: seriesId.split('-')[0]!, sessionId: null, before: null, after: null, ...(bookedCount !== undefined ? { bookedCount } : {}),
});
const CHANGES = [
  change('create', 'ny-yoga', '2026-12-01'),
  change('create', 'ny-yoga', '2026-12-02'),
  change('cancel', 'ny-spin', '2026-12-01', 4),
  change('update', 'ny-spin', '2026-12-02', 2),
  change('delete', 'ny-spin', '2026-12-03', 0),
  change('delete-series', 'ny-old', ''),
  change('create', 'lon-barre', '2026-12-01'),
];
const TAIL = {
  summary: { create: 3, update: 1, delete: 1, cancel: 1, seriesDeleted: 1, skipped: 0, errors: 0, skippedByDst: 1 },
  skippedByDst: [{ seriesId: 'lon-barre', branchId: 'lon', occurrenceKey: '2027-03-28', localTime: '01:30', timezone: 'Europe/London', rule: 'dst.nonexistentTime: skip' as const }],
  errors: [],
  warnings: [{ code: 'ROOM_DOUBLE_BOOKED' as const, message: 'a' }, { code: 'ROOM_DOUBLE_BOOKED' as const, message: 'b' }],
  configDigest: 'd',
  seriesVersions: {},
  branches: [{ branchId: 'ny', timezone: 'America/New_York', today: '2026-11-25', skippedSeries: [] }, { branchId: 'lon', timezone: 'Europe/London', today: '2026-11-25', skippedSeries: [] }, { branchId: 'quiet', timezone: 'UTC', today: '2026-11-25', skippedSeries: [{ seriesId: 'q', reason: 'disabled' }] }],
};

function summarize(kind: SummaryFilter | null, limit: number) {
  const c = createPlanSummaryCollector({ branch: null, kind, limit });
  c.add(CHANGES.slice(0, 6));
  c.add(CHANGES.slice(6));
  return c.finish('2026-11-25T15:00:00.000Z', TAIL);
}

t.test('counts by branch and series, whatever the filter and limit', async (t) => {
  const s = summarize('create', 1);
  t.same(s.totals, { ...TAIL.summary, archive: 1, bookingsAffected: 2, warnings: 2 });
  t.same(s.branches.map((b) => [b.branchId, b.counts]), [
    ['ny', { create: 2, update: 1, delete: 1, cancel: 1, archive: 1, bookingsAffected: 2, skippedByDst: 0 }],
    ['lon', { create: 1, update: 0, delete: 0, cancel: 0, archive: 0, bookingsAffected: 0, skippedByDst: 1 }],
    ['quiet', { create: 0, update: 0, delete: 0, cancel: 0, archive: 0, bookingsAffected: 0, skippedByDst: 0 }],
  ]);
  t.same(s.branches[2]!.skippedSeries, [{ seriesId: 'q', reason: 'disabled' }], 'a branch with nothing to change is listed with what it skipped');
});

t.test('details: the kind asked for, the first limit of them', async (t) => {
  const rows: Array<{ name: string; kind: SummaryFilter | null; limit: number; listed: string[]; truncated: boolean }> = [
    { name: 'every kind, all fit', kind: null, limit: 10, listed: ['create ny-yoga', 'create ny-yoga', 'cancel ny-spin', 'update ny-spin', 'delete ny-spin', 'delete-series ny-old', 'create lon-barre'], truncated: false },
    { name: 'creates, cut at two', kind: 'create', limit: 2, listed: ['create ny-yoga', 'create ny-yoga'], truncated: true },
    { name: 'archives are delete-series', kind: 'archive', limit: 10, listed: ['delete-series ny-old'], truncated: false },
    { name: 'booked: changes to sessions with bookings', kind: 'booked', limit: 10, listed: ['cancel ny-spin', 'update ny-spin'], truncated: false },
    { name: 'more warnings than the limit is truncated too', kind: 'cancel', limit: 1, listed: ['cancel ny-spin'], truncated: true },
  ];
  for (const row of rows) {
    const s = summarize(row.kind, row.limit);
    const listed = s.branches.flatMap((b) => b.series.flatMap((x) => x.changes.map((c) => `${c.action} ${c.seriesId}`)));
    t.same(listed, row.listed, row.name);
    t.equal(s.truncated, row.truncated, `${row.name}: truncated`);
    t.ok(s.warnings.length <= row.limit, `${row.name}: warnings bounded`);
  }
});
