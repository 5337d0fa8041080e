// The Kubernetes config source against a fake Kubernetes API server (a local
// node:http server speaking the list endpoint; no real API server can run here).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { parse } from 'yaml';
import { KubeConfig } from '@kubernetes/client-node';
import { buildConfigSet, type ConfigSet } from '../../controller/core/config/config-set.js';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { loadConfigDocumentsFromKubernetes } from '../../controller/sources/kubernetes.js';
import { kubernetesTarget } from '../../controller/sources/kubernetes-api.js';
import { startFakeApiServer, type FakeApiServer } from './fake-api-server.js';

const CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));
const configFiles = readdirSync(CONFIG_DIR).filter((n) => n.endsWith('.yaml')).sort();
const rawOf = (file: string) => parse(readFileSync(join(CONFIG_DIR, file), 'utf8')) as Record<string, any>;

async function withServer(t: Test, fn: (server: FakeApiServer) => Promise<void>) {
  const server = await startFakeApiServer();
  t.teardown(() => server.close());
  await fn(server);
}

/** What a run uses of a ConfigSet, with origins left out (they name the source). */
function usedBy(config: ConfigSet) {
  const targets: Array<[string, string?]> = [['downtown'], ['downtown', 'downtown-yoga-mon'], ['london-soho'], ['london-soho', 'soho-hiit-fri'], ['sydney-cbd']];
  return {
    digest: config.digest,
    blocksAll: config.blocksAll,
    problems: config.problems.map((p) => `${p.code} ${p.scope} ${p.document ?? '-'} ${p.pointer}`),
    resolved: targets.map(([branch, series]) => {
      const r = config.resolve(branch, series);
      return r.ok ? { settings: r.settings, layers: r.layers?.map((l) => `${l.scope}=${l.document}`) } : { problems: r.problems.map((p) => p.code) };
    }),
  };
}

t.test('listing valid documents gives the same ConfigSet as the equivalent files (fake Kubernetes API server)', (t) =>
  withServer(t, async (server) => {
    t.ok(configFiles.length >= 3, 'the example config directory has documents to compare');
    for (const file of configFiles) server.put('ns1', rawOf(file));
    server.put('other', { ...rawOf(configFiles[0]), metadata: { name: 'stray-base' } }); // another namespace: never read

    const fromFiles = await loadConfigDocumentsFromDir(CONFIG_DIR);
    const fromApi = await loadConfigDocumentsFromKubernetes({ kubeConfig: server.kubeConfig() });

    t.same(usedBy(buildConfigSet(fromApi.documents, fromApi.problems)), usedBy(buildConfigSet(fromFiles.documents, fromFiles.problems)));
    t.same(fromApi.problems, [], 'no problems');
    t.same(
      fromApi.documents.map((d) => [d.name, d.origin, d.generation]),
      fromFiles.documents.map((d) => [d.name, `kubernetes:ns1/${d.name}`, 1]).sort(),
      'origin kubernetes:NS/NAME and the generation from metadata.generation',
    );
    t.same(
      fromApi.resources.map((r) => [r.name, r.namespace, r.generation]),
      fromFiles.documents.map((d) => [d.name, 'ns1', 1]).sort(),
      'every listed resource is returned for the status writer',
    );
    const list = server.requests.find((r) => r.method === 'GET');
    t.equal(list?.path, '/apis/scheduling.classctl.dev/v1/namespaces/ns1/schedulingconfigs', 'the namespace of the current context');
    t.equal(list?.authorization, 'Bearer t', "the kubeconfig user's token is sent");
  }),
);

t.test('which namespace is listed', async (t) => {
  const rows: Array<{ name: string; namespace?: string; podNamespace?: string; contextNamespace?: string; expected: string }> = [
    { name: '--namespace wins over the context', namespace: 'team-a', contextNamespace: 'ns1', expected: 'team-a' },
    { name: 'a kubeconfig passed in: its context namespace', contextNamespace: 'ns1', podNamespace: 'pod-ns', expected: 'ns1' },
    { name: "a context without a namespace: 'default'", expected: 'default' },
  ];
  for (const row of rows) {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: 'http://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'fake', user: 'u', ...(row.contextNamespace ? { namespace: row.contextNamespace } : {}) }],
      currentContext: 'c',
    });
    const target = kubernetesTarget({ namespace: row.namespace, kubeConfig: kc }, () => row.podNamespace);
    t.equal(target.namespace, row.namespace ?? row.expected, row.name);
  }
  t.test('the default kubeconfig: the pod namespace, else its context namespace', async (t) => {
    const saved = process.env.KUBECONFIG;
    t.teardown(() => {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    });
    const dir = t.testdir({
      'kubeconfig.yaml': [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: fake, cluster: { server: "http://127.0.0.1:1" } }]',
        'users: [{ name: u, user: { token: t } }]',
        'contexts: [{ name: c, context: { cluster: fake, user: u, namespace: from-context } }]',
        'current-context: c',
      ].join('\n'),
    });
    process.env.KUBECONFIG = join(dir, 'kubeconfig.yaml');
    t.equal(kubernetesTarget({}, () => 'scheduling').namespace, 'scheduling', 'in a pod: the service-account namespace');
    t.equal(kubernetesTarget({}, () => undefined).namespace, 'from-context', 'outside a pod: the current context');
    t.equal(kubernetesTarget({ namespace: 'ops' }, () => 'scheduling').namespace, 'ops', '--namespace still wins');

    process.env.KUBECONFIG = join(dir, 'missing.yaml');
    const loaded = await loadConfigDocumentsFromKubernetes({});
    t.match(loaded.problems, [{ code: 'CONFIG_UNREADABLE', scope: 'all', message: /Cannot load the Kubernetes client configuration \(ENOENT\)\. Check KUBECONFIG \(now ".*missing\.yaml"\)/ }], 'a broken KUBECONFIG is a blocking problem, not a crash');
  });
});

t.test('an API error becomes one blocking problem that says what to check (fake Kubernetes API server)', async (t) => {
  const rows: Array<{ name: string; status?: number; unreachable?: boolean; mentions: RegExp[] }> = [
    { name: '403: RBAC does not allow listing', status: 403, mentions: [/HTTP 403 Forbidden/, /namespace "ns1"/, /RBAC/, /get, list and watch on schedulingconfigs\.scheduling\.classctl\.dev/, /cannot list resource/] },
    { name: '404: the CRD is not installed', status: 404, mentions: [/HTTP 404/, /namespace "ns1"/, /CRD is installed/, /kubectl apply --server-side -f crds\//] },
    { name: '500: the API server failed', status: 500, mentions: [/HTTP 500/, /namespace "ns1"/] },
    { name: 'nothing listens: the API server is unreachable', unreachable: true, mentions: [/did not answer \(ECONNREFUSED\)/, /namespace "ns1"/, /kubeconfig/] },
  ];
  for (const row of rows) {
    await t.test(row.name, (t) =>
      withServer(t, async (server) => {
        server.put('ns1', rawOf('base.yaml'));
        const message = 'schedulingconfigs.scheduling.classctl.dev is forbidden: User "system:serviceaccount:ns1:classctl" cannot list resource "schedulingconfigs"';
        if (row.status) server.fail({ kind: 'list', status: row.status, times: 1, message: row.status === 403 ? message : undefined });
        const kc = server.kubeConfig();
        if (row.unreachable) await server.close();
        const loaded = await loadConfigDocumentsFromKubernetes({ kubeConfig: kc });
        t.same(loaded.documents, [], 'no documents');
        t.same(loaded.resources, [], 'no resources');
        t.equal(loaded.problems.length, 1, 'one problem');
        const [p] = loaded.problems;
        t.match(p, { code: 'CONFIG_UNREADABLE', scope: 'all', severity: 'error', origin: 'kubernetes:ns1' });
        for (const m of row.mentions) t.match(p.message, m);
        t.match(p.message, /Nothing is reconciled/);
        const config = buildConfigSet(loaded.documents, loaded.problems);
        t.equal(config.blocksAll, true, 'nothing is reconciled');
        t.notOk(config.resolve('downtown').ok, 'no branch resolves');
      }),
    );
  }
});

t.test('a malformed resource is reported with its origin and pointer, the others still load (fake Kubernetes API server)', (t) =>
  withServer(t, async (server) => {
    server.put('ns1', rawOf('base.yaml'));
    const bad = rawOf('branch-london-soho.yaml');
    bad.spec.settings.dst.ambigousTime = 'later';
    server.put('ns1', bad);
    const loaded = await loadConfigDocumentsFromKubernetes({ kubeConfig: server.kubeConfig() });
    t.same(loaded.documents.map((d) => d.name), ['base']);
    t.same(loaded.resources.map((r) => r.name), ['base', 'branch-london-soho'], 'the invalid one is still a resource whose status is written');
    t.match(loaded.problems, [{ code: 'CONFIG_UNKNOWN_FIELD', scope: 'branch:london-soho', document: 'branch-london-soho', origin: 'kubernetes:ns1/branch-london-soho', pointer: '/spec/settings/dst/ambigousTime' }]);
  }),
);
