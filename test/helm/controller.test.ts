// mode=controller: `classctl serve` in a Deployment, probed on /healthz and
// /readyz, reachable through a Service that selects only its pods.
import t from 'tap';
import { DATABASE_VALUES, ofKind, only, podSpecOf, renderChart, type K8sObject } from './chart.js';

const CONTROLLER = { ...DATABASE_VALUES, mode: 'controller' };

t.test('the default Deployment', async (t) => {
  const objects = await renderChart(CONTROLLER);
  t.same(ofKind(objects, 'CronJob'), [], 'controller mode renders no CronJob');

  const deployment = only(objects, 'Deployment', 'controller');
  t.equal((deployment.spec as { replicas: number }).replicas, 1, 'one replica by default');
  const container = podSpecOf(deployment).containers[0];
  t.same(container?.args?.slice(-9), ['serve', '--port', '8080', '--interval', '5m', '--resync-period', '24h', '--approval', 'never']);
  t.same(container?.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  t.same(container?.livenessProbe?.httpGet, { path: '/healthz', port: 'http' }, 'liveness on /healthz');
  t.same(container?.readinessProbe?.httpGet, { path: '/readyz', port: 'http' }, 'readiness on /readyz');
});

t.test('replicas and interval from values', async (t) => {
  const objects = await renderChart({ ...CONTROLLER, replicaCount: 3, controller: { interval: '90s', resyncPeriod: '168h', approval: 'removals', extraArgs: ['--host', '0.0.0.0'] } });
  const deployment = only(objects, 'Deployment');
  t.equal((deployment.spec as { replicas: number }).replicas, 3, 'more replicas are allowed: branches are shared through advisory locks');
  t.same(podSpecOf(deployment).containers[0]?.args?.slice(-11), ['serve', '--port', '8080', '--interval', '90s', '--resync-period', '168h', '--approval', 'removals', '--host', '0.0.0.0']);
});

t.test('the Service selects the controller pods and nothing else', async (t) => {
  const objects = await renderChart(CONTROLLER);
  const service = only(objects, 'Service');
  const spec = service.spec as { selector: Record<string, string>; ports: Array<{ name: string; port: number; targetPort: string }> };
  t.same(spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['http', 8080, 'http']], 'port 8080 named http');

  const podLabels = (w: K8sObject) => ((w.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels);
  const selects = (labels: Record<string, string>) => Object.entries(spec.selector).every(([k, v]) => labels[k] === v);
  t.ok(selects(podLabels(only(objects, 'Deployment'))), 'selects the Deployment pods');
  t.notOk(selects(podLabels(only(objects, 'Job', 'migration'))), 'does not select the migration pod (it would be Ready with no server)');
  const deploymentSelector = (only(objects, 'Deployment').spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
  t.same(spec.selector, deploymentSelector, 'the Service and the Deployment agree on the selector');
});

t.test('ServiceMonitor: off by default, scrapes /metrics on http when enabled', async (t) => {
  t.same(ofKind(await renderChart(CONTROLLER), 'ServiceMonitor'), []);
  const objects = await renderChart({ ...CONTROLLER, metrics: { serviceMonitor: { enabled: true, interval: '1m', labels: { release: 'prometheus' } } } });
  const monitor = only(objects, 'ServiceMonitor');
  t.equal(monitor.apiVersion, 'monitoring.coreos.com/v1');
  t.equal(monitor.metadata.labels?.release, 'prometheus', 'labels for the Prometheus serviceMonitorSelector');
  const spec = monitor.spec as { selector: { matchLabels: Record<string, string> }; endpoints: Array<Record<string, string>> };
  t.same(spec.endpoints, [{ port: 'http', path: '/metrics', interval: '1m', scrapeTimeout: '10s' }]);
  const serviceLabels = only(objects, 'Service').metadata.labels ?? {};
  t.ok(Object.entries(spec.selector.matchLabels).every(([k, v]) => serviceLabels[k] === v), 'selects the Service');
});

t.test('PodDisruptionBudget: off by default; maxUnavailable 1 or a given minAvailable', async (t) => {
  t.same(ofKind(await renderChart(CONTROLLER), 'PodDisruptionBudget'), []);
  const rows: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['the default bound lets a single replica be drained', { enabled: true }, { maxUnavailable: 1 }],
    ['minAvailable replaces it', { enabled: true, minAvailable: 2, maxUnavailable: null }, { minAvailable: 2 }],
    ['a percentage', { enabled: true, maxUnavailable: '50%' }, { maxUnavailable: '50%' }],
  ];
  for (const [name, values, expected] of rows) {
    const objects = await renderChart({ ...CONTROLLER, replicaCount: 3, podDisruptionBudget: values });
    const { selector, ...bounds } = only(objects, 'PodDisruptionBudget').spec as { selector: { matchLabels: Record<string, string> } };
    t.same(bounds, expected, name);
    t.equal(selector.matchLabels['app.kubernetes.io/component'], 'controller', `${name}: guards the controller pods only`);
  }
});
