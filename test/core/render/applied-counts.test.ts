// One wording for what an apply wrote, in reconcile --apply, apply and demo.
import t from 'tap';
import { renderAppliedCounts } from '../../../controller/core/render/applied-counts.js';
import { createPlanTextRenderer } from '../../../controller/core/render/plan-text.js';

const written = { create: 3, update: 1, delete: 2, cancel: 0, seriesDeleted: 1 };

t.test('renderAppliedCounts', async (t) => {
  const rows = [
    { name: 'with the run that wrote it', runId: '12', expected: 'Applied (run 12): 3 created, 1 updated, 2 deleted, 0 cancelled, 1 series archived.' },
    { name: 'no run id (nothing journaled): the counts alone', runId: null, expected: 'Applied: 3 created, 1 updated, 2 deleted, 0 cancelled, 1 series archived.' },
  ];
  for (const row of rows) t.equal(renderAppliedCounts(row.runId, written), row.expected, row.name);
});

t.test('the text plan of an apply closes with the same line', async (t) => {
  const r = createPlanTextRenderer();
  const after = { title: 'Spin', startsAt: '2026-12-01T18:00:00Z', endsAt: '2026-12-01T19:00:00Z', timezone: 'UTC', instructorId: null, roomId: null, capacity: 10, status: 'scheduled' as const };
  r.branch({ branchId: 'b', timezone: 'UTC', today: '2026-11-25', skippedByDst: [], warnings: [], changes: [{ action: 'create', seriesId: 's', occurrenceKey: '2026-12-01', branchId: 'b', sessionId: null, before: null, after }] });
  const summary = { create: 1, update: 0, delete: 0, cancel: 0, seriesDeleted: 0, skipped: 0, errors: 0, skippedByDst: 0 };
  const end = r.end({ summary, warnings: [], errors: [], applied: true, written: { ...written, conflicts: 0, lockedBranches: [], failedBranches: [] }, runId: '12' });
  t.match(end, /^Applied \(run 12\): 3 created, 1 updated, 2 deleted, 0 cancelled, 1 series archived\.$/m);
});
