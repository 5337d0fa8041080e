// The journal as `classctl runs` and GET /api/runs show it.
import t from 'tap';
import { renderRuns, runDuration, runToJson, type JournaledRun } from '../../../controller/core/render/runs.js';

const T0 = Date.parse('2026-11-25T09:00:00Z');
const run = (over: Partial<JournaledRun>): JournaledRun => ({
  id: '7', status: 'succeeded', mode: 'apply', nowMs: T0, startedAtMs: T0, finishedAtMs: T0 + 2500, heartbeatAtMs: T0 + 2500,
  configDigest: 'd', summary: { create: 3 }, error: null, resumedAfter: null, pid: 42, host: 'h', ...over,
});

t.test('runDuration', async (t) => {
  const rows: Array<{ name: string; r: JournaledRun; expected: string }> = [
    { name: 'a finished run: seconds with one decimal', r: run({}), expected: '2.5s' },
    { name: 'a running run has no duration yet', r: run({ status: 'running', finishedAtMs: null }), expected: '-' },
    { name: 'an interrupted run with no finish time', r: run({ status: 'interrupted', finishedAtMs: null }), expected: 'interrupted' },
    { name: 'an interrupted run marked by a run at a simulated (earlier) instant: not a negative duration', r: run({ status: 'interrupted', finishedAtMs: T0 - 86_400_000 }), expected: 'interrupted' },
    { name: 'a failed run finishing "before" it started (two hosts\' clocks): 0.0s, never negative', r: run({ status: 'failed', finishedAtMs: T0 - 300 }), expected: '0.0s' },
  ];
  for (const row of rows) t.equal(runDuration(row.r), row.expected, row.name);
});

t.test('runToJson: times as ISO strings, null when not reached', async (t) => {
  t.match(runToJson(run({ finishedAtMs: null, heartbeatAtMs: null, status: 'running' })), {
    id: '7', now: '2026-11-25T09:00:00.000Z', startedAt: '2026-11-25T09:00:00.000Z', finishedAt: null, heartbeatAt: null, summary: { create: 3 },
  });
});

t.test('renderRuns: the DURATION column of an interrupted run', async (t) => {
  const text = renderRuns([run({ id: '8', status: 'interrupted', finishedAtMs: T0 - 1000, error: 'its lease expired' })]);
  t.match(text, /^8 +interrupted +apply +2026-11-25T09:00:00\.000Z +interrupted +\+3 ~0 -0 !0 x0 +its lease expired$/m);
  t.notMatch(text, /-\d+\.\ds/, 'no negative duration');
});

t.test('renderRuns: a run held for approval says which approval and what it planned', async (t) => {
  const held = run({ id: '9', status: 'awaiting-approval', summary: { create: 0, awaitingApproval: { approvalId: '3', reason: 'removals', planned: { create: 1, delete: 4 } } } });
  t.match(renderRuns([held]), /^9 +awaiting-approval +apply .* \+0 ~0 -0 !0 x0 +held for approval 3 \(planned \+1 ~0 -4 !0 x0\)$/m);
});
