// Kubernetes Events for runs that did not succeed, on the SchedulingConfig
// resources they are about, through reportRunToConfigSource (what `reconcile
// --apply` and `serve` call) against the fake API server (node:http in this
// process; no real API server can run here), found via KUBECONFIG.
import t from 'tap';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfigSet, reportRunToConfigSource } from '../../controller/cli/resources.js';
import type { GlobalOptions } from '../../controller/cli/context.js';
import { ClassctlError } from '../../controller/core/errors.js';
import { createLogger } from '../../controller/runtime/logger.js';
import type { ReconcileResult, RunOutcome } from '../../controller/runtime/reconcile.js';
import { baseDoc, branchDoc } from '../config/fixtures/config-fixtures.js';
import { startFakeApiServer, type FakeApiServer, type Obj } from './fake-api-server.js';

const AT = Date.parse('2026-11-25T15:00:00Z');
const GROUP_VERSION = 'scheduling.classctl.dev/v1';

function result(outcome: RunOutcome, over: Partial<ReconcileResult> = {}): ReconcileResult {
  return { runId: '7', outcome, failedBranches: [], plan: { problems: [], branches: [] }, ...over } as unknown as ReconcileResult;
}

interface Row {
  name: string;
  docs: Obj[];
  result: ReconcileResult;
  fault?: number;
  /** Expected events: involvedObject (kind, name, uid) and reason; message matched. */
  events: Array<{ kind: string; name: string; uid?: string; reason: string; message: RegExp }>;
  warn?: RegExp[];
}

const rows: Row[] = [
  {
    name: 'a failed run: RunFailed on the base SchedulingConfig, named with its uid',
    docs: [baseDoc(), branchDoc('downtown', { sessionDefaults: { capacity: 30 } })],
    result: result('failed', { failedBranches: [{ branchId: 'downtown', error: 'connection reset' }] }),
    events: [{ kind: 'SchedulingConfig', name: 'base', uid: 'uid-1', reason: 'RunFailed', message: /^Run 7: downtown: connection reset$/ }],
  },
  {
    name: 'a refused run: RunRefused on the base, with the refusal',
    docs: [branchDoc('downtown', { sessionDefaults: { capacity: 30 } }), baseDoc()],
    result: result('refused', { runId: null, refusal: new ClassctlError('GUARD_MASS_REMOVAL', 'The run would remove 40 sessions; the limit is 10.') }),
    events: [{ kind: 'SchedulingConfig', name: 'base', uid: 'uid-2', reason: 'RunRefused', message: /^The run would remove 40 sessions/ }],
  },
  {
    name: 'an invalid configuration: ConfigInvalid on the resource with the error (with its pointer), not on the valid base',
    docs: [baseDoc(), branchDoc('downtown', { dst: { ambigousTime: 'later' } }), branchDoc('uptown', { sessionDefaults: { capacity: 30 } })],
    result: result('invalid-config'),
    events: [{ kind: 'SchedulingConfig', name: 'branch-downtown', uid: 'uid-2', reason: 'ConfigInvalid', message: /^Run 7: The configuration is invalid: at \/spec\/settings\/dst\/ambigousTime: / }],
  },
  {
    name: 'an invalid configuration with no base: no resource has an error of its own, so every resource gets it',
    docs: [branchDoc('downtown', { sessionDefaults: { capacity: 30 } }), branchDoc('uptown', { sessionDefaults: { capacity: 20 } })],
    result: result('invalid-config', { runId: null }),
    events: [
      { kind: 'SchedulingConfig', name: 'branch-downtown', uid: 'uid-1', reason: 'ConfigInvalid', message: /ended invalid-config/ },
      { kind: 'SchedulingConfig', name: 'branch-uptown', uid: 'uid-2', reason: 'ConfigInvalid', message: /ended invalid-config/ },
    ],
  },
  { name: 'a run that succeeded: no Event', docs: [baseDoc()], result: result('succeeded'), events: [] },
  {
    name: 'no SchedulingConfig resource at all: the controller pod is the only object left to carry it',
    docs: [],
    result: result('failed', { failedBranches: [{ branchId: 'downtown', error: 'x' }] }),
    events: [{ kind: 'Pod', name: 'classctl-abc', reason: 'RunFailed', message: /downtown: x/ }],
  },
  {
    name: 'the API refuses (no RBAC for events): a warning in the log, not thrown',
    docs: [baseDoc()],
    result: result('failed', { failedBranches: [{ branchId: 'downtown', error: 'x' }] }),
    fault: 403,
    events: [],
    warn: [/SchedulingConfig base: .*403/, /Could not create a Kubernetes Event of this run/],
  },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const server: FakeApiServer = await startFakeApiServer();
    t.teardown(() => server.close());
    const saved = { KUBECONFIG: process.env.KUBECONFIG, POD_NAME: process.env.POD_NAME };
    t.teardown(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
    const dir = t.testdir({
      kubeconfig: [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: fake, cluster: { server: "${server.url}", insecure-skip-tls-verify: true } }]`,
        'users: [{ name: u, user: { token: t } }]',
        'contexts: [{ name: c, context: { cluster: fake, user: u, namespace: ns1 } }]',
        'current-context: c',
      ].join('\n'),
    });
    process.env.KUBECONFIG = join(dir, 'kubeconfig');
    process.env.POD_NAME = 'classctl-abc';
    for (const d of row.docs) server.put('ns1', d);
    if (row.fault) server.fail({ kind: 'event', status: row.fault, times: 10 });

    const g: GlobalOptions = { config: 'unused', configSource: 'kubernetes', namespace: 'ns1', logLevel: 'info' };
    const config = await loadConfigSet(g);
    let logged = '';
    const stream = new PassThrough();
    stream.on('data', (c) => (logged += c));
    await reportRunToConfigSource(g, config, row.result, createLogger({ destination: stream, env: { CLASSCTL_LOG_FORMAT: 'json' } }), () => AT);

    const posted = server.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/ns1/events');
    t.equal(posted.length, row.fault ? 1 : row.events.length, 'one POST per Event');
    if (!row.fault) {
      t.match(
        posted.map((p) => p.body),
        row.events.map((e) => ({
          type: 'Warning',
          reason: e.reason,
          message: e.message,
          involvedObject: { apiVersion: e.kind === 'Pod' ? 'v1' : GROUP_VERSION, kind: e.kind, name: e.name, namespace: 'ns1', uid: e.uid },
          metadata: { generateName: `${e.name}.`, namespace: 'ns1' },
          reportingInstance: 'classctl-abc',
          firstTimestamp: '2026-11-25T15:00:00.000Z',
        })),
      );
      for (const [i, e] of row.events.entries()) if (e.uid === undefined) t.notOk((posted[i]!.body as Obj).involvedObject.uid, 'no uid for the pod');
    }
    for (const w of row.warn ?? []) t.match(logged, w);
  });
}
