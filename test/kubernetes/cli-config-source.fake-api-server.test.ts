// `--config-source kubernetes` through the CLI: `classctl validate` reads the
// SchedulingConfig resources from a fake Kubernetes API server (a local
// node:http server; no real API server can run here), found via KUBECONFIG.
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import t from 'tap';
import { main } from '../../controller/cli/main.js';
import { baseDoc, branchDoc } from '../config/fixtures/config-fixtures.js';
import { startFakeApiServer } from './fake-api-server.js';

async function run(...args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', () => {});
  const code = await main(['node', 'classctl', ...args], { stdout, stderr, env: {} });
  return { code, out };
}

t.test('classctl validate --config-source kubernetes (fake Kubernetes API server)', async (t) => {
  const server = await startFakeApiServer();
  t.teardown(() => server.close());
  const saved = process.env.KUBECONFIG;
  t.teardown(() => {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
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
  server.put('team-a', baseDoc());
  server.put('team-a', branchDoc('downtown', { sessionDefaults: { capacity: 30 } }));
  server.put('team-b', baseDoc());
  server.put('team-b', branchDoc('downtown', { dst: { ambiguousTime: 'late' } }));

  const rows = [
    {
      // The fake server has no NotificationDestination type, as a cluster whose chart was upgraded without its new CRD.
      name: 'valid resources: exit 0; a missing NotificationDestination CRD is a warning, not an error',
      args: ['--namespace', 'team-a'],
      code: 0,
      out: [/Configuration is valid: 2 documents/, /NotificationDestination resource type is not installed/],
    },
    {
      name: 'an invalid resource: exit 2, naming kubernetes:NS/NAME and the pointer',
      args: ['--namespace', 'team-b'],
      code: 2,
      out: [/kubernetes:team-b\/branch-downtown {2}document "branch-downtown" {2}\/spec\/settings\/dst\/ambiguousTime/],
    },
    { name: "no --namespace: the context's namespace (empty here: no base)", args: [], code: 2, out: [/CONFIG_NO_BASE/] },
  ];
  for (const row of rows) {
    const { code, out } = await run('validate', '--config-source', 'kubernetes', ...row.args);
    t.equal(code, row.code, `${row.name}: exit code`);
    for (const m of row.out) t.match(out, m, row.name);
  }
  t.same(
    server.requests.map((r) => r.path),
    ['team-a', 'team-b', 'ns1'].flatMap((ns) => ['schedulingconfigs', 'notificationdestinations'].map((plural) => `/apis/scheduling.classctl.dev/v1/namespaces/${ns}/${plural}`)),
    'validate only lists (SchedulingConfigs and NotificationDestinations); it writes no status',
  );
});
