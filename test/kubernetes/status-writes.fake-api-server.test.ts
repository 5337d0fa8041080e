// writeConfigStatuses() against a fake Kubernetes API server (a local node:http
// server speaking list and the status-subresource PATCH; no real API server can
// run here): what is sent, where, and that nothing unchanged is sent again.
import t, { type Test } from 'tap';
import { buildConfigSet } from '../../controller/core/config/config-set.js';
import { writeConfigStatuses, type RunReport } from '../../controller/runtime/config-status.js';
import { loadConfigDocumentsFromKubernetes } from '../../controller/sources/kubernetes.js';
import { baseDoc, branchDoc } from '../config/fixtures/config-fixtures.js';
import { startFakeApiServer, type FakeApiServer } from './fake-api-server.js';

const COLLECTION = '/apis/scheduling.classctl.dev/v1/namespaces/ns1/schedulingconfigs';
const T1 = '2026-11-25T09:00:00.000Z';
const T2 = '2026-11-25T09:05:00.000Z';
const T3 = '2026-11-25T09:10:00.000Z';
const run = (runId: string, nowIso: string, outcome = 'succeeded'): RunReport => ({ runId, outcome, nowIso });

async function withServer(t: Test, fn: (server: FakeApiServer) => Promise<void>) {
  const server = await startFakeApiServer();
  t.teardown(() => server.close());
  await fn(server);
}

/** One run's status writing, as serve does it: list, build the set, write. */
async function listAndWrite(server: FakeApiServer, report: RunReport) {
  const kubeConfig = server.kubeConfig();
  const loaded = await loadConfigDocumentsFromKubernetes({ kubeConfig });
  const config = buildConfigSet(loaded.documents, loaded.problems);
  return writeConfigStatuses({ kubeConfig, resources: loaded.resources, config, run: report });
}

const patches = (server: FakeApiServer) => server.requests.filter((r) => r.method === 'PATCH');

t.test('an invalid document gets Valid=False with reason and pointer, written through the status subresource only (fake Kubernetes API server)', (t) =>
  withServer(t, async (server) => {
    server.put('ns1', baseDoc());
    const bad = server.put('ns1', branchDoc('downtown', { dst: { ambigousTime: 'later' } }));

    const result = await listAndWrite(server, run('42', T1));

    t.same(result, { patched: ['base', 'branch-downtown'], unchanged: [], failed: [] });
    t.same(
      server.requests.map((r) => `${r.method} ${r.path}`),
      ['GET ' + COLLECTION, `PATCH ${COLLECTION}/base/status`, `PATCH ${COLLECTION}/branch-downtown/status`],
      'one list, then one PATCH per document, each to the status subresource; never the resource itself',
    );
    const patch = patches(server)[1];
    t.equal(patch.contentType, 'application/merge-patch+json', 'a JSON merge patch');
    t.same(patch.body, {
      status: {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Valid',
            status: 'False',
            observedGeneration: 1,
            lastTransitionTime: '2026-11-25T09:00:00Z',
            reason: 'CONFIG_UNKNOWN_FIELD',
            message:
              'at /spec/settings/dst/ambigousTime: Unknown field "ambigousTime": did you mean "ambiguousTime"? Allowed here: nonexistentTime, ambiguousTime. Remove it or correct its spelling.',
          },
          {
            type: 'Applied',
            status: 'False',
            observedGeneration: 1,
            lastTransitionTime: '2026-11-25T09:00:00Z',
            reason: 'DocumentInvalid',
            message: "Not applied: the document is invalid (see the Valid condition). Its scope's sessions are left exactly as they are until it is fixed.",
          },
        ],
      },
    });
    t.match(patches(server)[0].body, { status: { conditions: [{ type: 'Valid', status: 'True' }, { type: 'Applied', status: 'True', message: 'applied by run 42' }] } });
    const stored = server.get('ns1', 'branch-downtown');
    t.same(stored?.spec, bad.spec, 'the spec is untouched');
    t.equal(stored?.metadata.generation, 1, 'a status write does not bump the generation');
  }),
);

t.test('conditions are written only when they change (fake Kubernetes API server)', (t) =>
  withServer(t, async (server) => {
    server.put('ns1', baseDoc());
    server.put('ns1', branchDoc('downtown', { dst: { ambigousTime: 'later' } }));
    const steps: Array<{ name: string; before?: () => void; report: RunReport; patched: string[]; unchanged: string[]; check?: (t: Test) => void }> = [
      { name: 'the first run writes both', report: run('42', T1), patched: ['base', 'branch-downtown'], unchanged: [] },
      { name: 'the same run again: nothing is patched', report: run('42', T1), patched: [], unchanged: ['base', 'branch-downtown'] },
      {
        name: 'a later run: only the applied document changes (its run id); the invalid one is still invalid',
        report: run('43', T2),
        patched: ['base'],
        unchanged: ['branch-downtown'],
        check: (t) => {
          const applied = server.get('ns1', 'base')?.status.conditions[1];
          t.match(applied, { type: 'Applied', status: 'True', message: 'applied by run 43', lastTransitionTime: '2026-11-25T09:00:00Z' }, 'status unchanged: the transition time stays');
        },
      },
      {
        name: 'the admin fixes the document: new generation, Valid=True, transition time of this run',
        before: () => server.editSpec('ns1', 'branch-downtown', branchDoc('downtown', { dst: { ambiguousTime: 'later' } }).spec as Record<string, unknown>),
        report: run('44', T3),
        patched: ['base', 'branch-downtown'],
        unchanged: [],
        check: (t) => {
          t.match(server.get('ns1', 'branch-downtown')?.status, {
            observedGeneration: 2,
            conditions: [
              { type: 'Valid', status: 'True', observedGeneration: 2, lastTransitionTime: '2026-11-25T09:10:00Z' },
              { type: 'Applied', status: 'True', message: 'applied by run 44' },
            ],
          });
        },
      },
      { name: 'and again the same run: nothing', report: run('44', T3), patched: [], unchanged: ['base', 'branch-downtown'] },
    ];
    for (const step of steps) {
      step.before?.();
      const before = patches(server).length;
      const result = await listAndWrite(server, step.report);
      t.same({ patched: result.patched, unchanged: result.unchanged }, { patched: step.patched, unchanged: step.unchanged }, step.name);
      t.equal(patches(server).length - before, step.patched.length, `${step.name}: that many PATCH requests`);
      step.check?.(t);
    }
  }),
);

t.test('an observedGeneration that lags is written even when the conditions are the same (fake Kubernetes API server)', (t) =>
  withServer(t, async (server) => {
    server.put('ns1', baseDoc());
    await listAndWrite(server, run('42', T1));
    // Someone cleared observedGeneration (e.g. a restore from a backup without status).
    const stored = server.get('ns1', 'base');
    delete stored?.status.observedGeneration;
    const result = await listAndWrite(server, run('42', T1));
    t.same(result.patched, ['base']);
    t.equal(server.get('ns1', 'base')?.status.observedGeneration, 1);
  }),
);

t.test("another tool's conditions are kept, ours are replaced (fake Kubernetes API server)", (t) =>
  withServer(t, async (server) => {
    const reviewed = { type: 'Reviewed', status: 'True', lastTransitionTime: '2026-11-01T00:00:00Z', reason: 'ApprovedByOps', message: 'ok' };
    server.put('ns1', {
      ...baseDoc(),
      status: { conditions: [reviewed, { type: 'Applied', status: 'True', lastTransitionTime: '2026-11-01T00:00:00Z', reason: 'Applied', message: 'applied by run 7' }] },
    });
    await listAndWrite(server, run('42', T1));
    const conditions = server.get('ns1', 'base')?.status.conditions as Array<{ type: string; message: string }>;
    t.same(conditions.map((c) => c.type), ['Valid', 'Applied', 'Reviewed']);
    t.same(conditions[2], reviewed, 'untouched');
    t.equal(conditions[1].message, 'applied by run 42');
  }),
);

t.test('a refused status patch is reported per document and does not stop the others (fake Kubernetes API server)', (t) =>
  withServer(t, async (server) => {
    server.put('ns1', baseDoc());
    server.put('ns1', branchDoc('downtown', {}));
    server.fail({ kind: 'patch', status: 403, times: 1, message: 'schedulingconfigs.scheduling.classctl.dev "base" is forbidden: cannot patch resource "schedulingconfigs/status"' });
    const result = await listAndWrite(server, run('42', T1));
    t.same(result.patched, ['branch-downtown']);
    t.equal(result.failed.length, 1);
    t.equal(result.failed[0].name, 'base');
    t.match(result.failed[0].message, /Cannot patch the status of SchedulingConfig "base" in namespace "ns1" \(HTTP 403 Forbidden: .*cannot patch resource "schedulingconfigs\/status"\)\. Check RBAC: .*patch on schedulingconfigs\/status/);
    const retry = await listAndWrite(server, run('42', T1));
    t.same(retry.patched, ['base'], 'the next run writes what failed');
  }),
);
