// The text plan lists changes up to a limit, then counts the rest per branch
// and series; the closing totals are the same either way.
import t from 'tap';
import type { PlanJson, PlanJsonChange } from '../../../controller/core/render/plan-json.js';
import { renderPlanText } from '../../../controller/core/render/plan-text.js';

const view = (key: string) => ({ title: 'Spin', startsAt: `${key}T18:00:00Z`, endsAt: `${key}T19:00:00Z`, timezone: 'UTC', instructorId: null, roomId: null, capacity: 10, status: 'scheduled' as const });
const create = (branchId: string, seriesId: string, day: number): PlanJsonChange => {
  const key = `2026-12-${String(day).padStart(2, '0')}`;
  return { action: 'create', seriesId, occurrenceKey: key, branchId, sessionId: null, before: null, after: view(key) };
};
const remove = (branchId: string, seriesId: string, day: number): PlanJsonChange => ({ ...create(branchId, seriesId, day), action: 'delete', sessionId: 'x', before: create(branchId, seriesId, day).after, after: null, reason: 'not desired' });

// b1: s1 × 3 creates, s2 × 2 creates · b2: s3 × 2 creates + 1 delete.
const changes = [create('b1', 's1', 1), create('b1', 's1', 2), create('b1', 's1', 3), create('b1', 's2', 1), create('b1', 's2', 2), create('b2', 's3', 1), create('b2', 's3', 2), remove('b2', 's3', 3)];
const plan: PlanJson = {
  formatVersion: 1,
  now: '2026-11-25T12:00:00.000Z',
  mode: 'plan',
  summary: { create: 7, update: 0, delete: 1, cancel: 0, seriesDeleted: 0, skipped: 0, errors: 0, skippedByDst: 0 },
  changes,
  skippedByDst: [],
  errors: [],
  warnings: [],
  configDigest: 'x',
  seriesVersions: {},
  branches: ['b1', 'b2'].map((branchId) => ({ branchId, timezone: 'UTC', today: '2026-11-25', skippedSeries: [] })),
};

const TOTALS = 'Plan: 7 to create, 0 to update, 1 to delete, 0 to cancel, 0 series to archive.';

const rows: Array<{ name: string; limit?: number; listed: number; counted: string[] }> = [
  { name: 'no limit: every change listed, nothing counted', listed: 8, counted: [] },
  { name: 'a limit above the changes: every change listed', limit: 100, listed: 8, counted: [] },
  { name: 'a limit inside a series: the rest of that branch is counted, then every later branch', limit: 2, listed: 2, counted: ['Branch b1 (UTC, today 2026-11-25): 3 more not listed: 3 to create', '  Series s1: 1 to create', '  Series s2: 2 to create', 'Branch b2 (UTC, today 2026-11-25): 2 to create, 1 to delete', '  Series s3: 2 to create, 1 to delete'] },
  { name: 'a limit at a branch boundary: the next branch is counted whole', limit: 5, listed: 5, counted: ['Branch b2 (UTC, today 2026-11-25): 2 to create, 1 to delete', '  Series s3: 2 to create, 1 to delete'] },
  { name: 'a limit of zero: every branch counted', limit: 0, listed: 0, counted: ['Branch b1 (UTC, today 2026-11-25): 5 to create', '  Series s1: 3 to create', '  Series s2: 2 to create', 'Branch b2 (UTC, today 2026-11-25): 2 to create, 1 to delete', '  Series s3: 2 to create, 1 to delete'] },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const text = renderPlanText(plan, { limit: row.limit });
    const lines = text.split('\n');
    t.equal(lines.filter((l) => /^ {4}[+-] 2026-12-/.test(l)).length, row.listed, 'changes listed one per line');
    const note = lines.findIndex((l) => l.startsWith('Only the first'));
    if (row.counted.length === 0) t.equal(note, -1, 'no counting note');
    else {
      t.equal(lines[note], `Only the first ${row.limit} changes are listed; the others are counted per branch and series below (--detail full lists every change).`);
      t.same(lines.slice(note + 2, note + 2 + row.counted.length), row.counted, 'counts per branch and series');
    }
    t.equal(lines.at(-2), TOTALS, 'the totals line is unchanged');
  });
}
