// Which plans need approval, and the digest that proves a re-plan identical.
import t from 'tap';
import type { PlanJsonChange } from '../../controller/core/render/plan-json.js';
import { approvalAsSavedPlan, approvalReason, branchChangesDigest } from '../../controller/runtime/plan-approval.js';
import type { PlanApproval } from '../../controller/store/plan-approvals.js';

const none = { create: 0, update: 0, delete: 0, cancel: 0, seriesDeleted: 0 };

t.test('approvalReason', async (t) => {
  const rows = [
    { name: 'never holds nothing', policy: 'never' as const, counts: { ...none, delete: 5 }, reason: null },
    { name: 'removals: a delete', policy: 'removals' as const, counts: { ...none, delete: 1 }, reason: 'removals' },
    { name: 'removals: a cancel', policy: 'removals' as const, counts: { ...none, cancel: 1 }, reason: 'removals' },
    { name: 'removals: an archive', policy: 'removals' as const, counts: { ...none, seriesDeleted: 1 }, reason: 'removals' },
    { name: 'removals: creates and updates only pass', policy: 'removals' as const, counts: { ...none, create: 9, update: 3 }, reason: null },
    { name: 'always: a create', policy: 'always' as const, counts: { ...none, create: 1 }, reason: 'always' },
    { name: 'always: an empty plan passes', policy: 'always' as const, counts: none, reason: null },
  ];
  for (const row of rows) t.equal(approvalReason(row.policy, row.counts), row.reason, row.name);
});

const c = (key: string, title = 'Yoga'): PlanJsonChange => ({
  action: 'update', seriesId: 's', occurrenceKey: key, branchId: 'b', sessionId: `id-${key}`,
  before: { title: 'Old', startsAt: `${key}T14:00:00.000Z`, endsAt: `${key}T15:00:00.000Z`, timezone: 'UTC', instructorId: null, roomId: null, capacity: 10, status: 'scheduled' },
  after: { title, startsAt: `${key}T14:00:00.000Z`, endsAt: `${key}T15:00:00.000Z`, timezone: 'UTC', instructorId: null, roomId: null, capacity: 10, status: 'scheduled' },
  fields: ['title'],
});

t.test('branchChangesDigest: the same changes in any order agree; any field differing does not', async (t) => {
  const a = [c('2026-12-01'), c('2026-12-02')];
  t.equal(branchChangesDigest(a), branchChangesDigest([...a].reverse()));
  t.not(branchChangesDigest(a), branchChangesDigest([c('2026-12-01'), c('2026-12-02', 'Yin')]));
  t.not(branchChangesDigest(a), branchChangesDigest([c('2026-12-01')]));
  t.not(branchChangesDigest(a), branchChangesDigest([...a, c('2026-12-02')]), 'a change listed twice differs');
});

t.test('approvalAsSavedPlan: each branch must have its recorded digest', async (t) => {
  const held = [c('2026-12-01')];
  const approval = { id: '1', fingerprint: 'f', configDigest: 'd', seriesVersions: {}, earliestStart: null, branchDigests: { b: branchChangesDigest(held) } } as unknown as PlanApproval;
  const rows: Array<{ name: string; branches: Array<[string, PlanJsonChange[]]>; stale: RegExp | null }> = [
    { name: 'the same changes', branches: [['b', held]], stale: null },
    { name: 'a branch with no changes then and none now', branches: [['b', held], ['other', []]], stale: null },
    { name: 'a field changed', branches: [['b', [c('2026-12-01', 'Yin')]]], stale: /the sessions of branch b changed since the plan was held/ },
    { name: 'a branch with changes now and none then', branches: [['b', held], ['other', [c('2026-12-09')]]], stale: /branch other has changes now that the held plan did not have/ },
    { name: 'the held changes are gone', branches: [['b', []]], stale: /are no longer what a plan would do now/ },
    { name: 'a branch the held plan changes is not planned', branches: [], stale: /branch b, which the held plan changes, is not planned any more/ },
  ];
  for (const row of rows) {
    const source = approvalAsSavedPlan(approval);
    const check = async () => {
      for (const [branchId, changes] of row.branches) source.checkBranch!(branchId, changes);
      await source.leftover();
    };
    if (row.stale === null) await t.resolves(check(), row.name);
    else await t.rejects(check(), { code: 'PLAN_STALE', message: row.stale }, row.name);
  }
});
