// `helm lint --strict` and `helm template` of the chart in both modes and with
// both config sources, with every rendered object validated against the
// Kubernetes schemas. Real helm, from the npm layer package; no cluster.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_DOCUMENT, CHART_DIR, DATABASE_VALUES, NAMESPACE, renderChart, runHelm, validateObject } from './chart.js';

interface Row {
  name: string;
  values: Record<string, unknown>;
  kinds: string[];
  absent: string[];
}

const configMap = { source: 'configMap', documents: { base: BASE_DOCUMENT } };

const matrix: Row[] = [
  {
    name: 'cronjob mode, config from custom resources (the defaults)',
    values: { ...DATABASE_VALUES },
    kinds: ['CronJob', 'Job', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding'],
    absent: ['Deployment', 'Service', 'ConfigMap', 'ServiceMonitor', 'PodDisruptionBudget'],
  },
  {
    name: 'cronjob mode, config from a ConfigMap: no Kubernetes API access at all',
    values: { ...DATABASE_VALUES, config: configMap },
    kinds: ['CronJob', 'Job', 'Secret', 'ServiceAccount', 'ConfigMap'],
    absent: ['Deployment', 'Service', 'Role', 'RoleBinding'],
  },
  {
    name: 'controller mode, config from custom resources',
    values: { ...DATABASE_VALUES, mode: 'controller' },
    kinds: ['Deployment', 'Service', 'Job', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding'],
    absent: ['CronJob', 'ConfigMap', 'ServiceMonitor', 'PodDisruptionBudget'],
  },
  {
    name: 'controller mode, config from a ConfigMap, with every optional object',
    values: {
      ...DATABASE_VALUES,
      mode: 'controller',
      config: configMap,
      metrics: { serviceMonitor: { enabled: true } },
      podDisruptionBudget: { enabled: true },
    },
    kinds: ['Deployment', 'Service', 'ConfigMap', 'ServiceMonitor', 'PodDisruptionBudget', 'Job'],
    absent: ['CronJob', 'Role', 'RoleBinding'],
  },
];

t.test('helm lint --strict passes', async (t) => {
  const ciValues = readdirSync(join(CHART_DIR, 'ci')).filter((f) => f.endsWith('.yaml'));
  t.ok(ciValues.length >= 2, 'the chart ships example values for both modes in ci/');
  for (const file of ciValues) {
    const run = await runHelm(['lint', '--strict', CHART_DIR, '--namespace', NAMESPACE, '-f', join(CHART_DIR, 'ci', file)]);
    t.equal(run.code, 0, `ci/${file}: ${run.stdout}${run.stderr}`);
  }
  for (const row of matrix) {
    const run = await runHelm(['lint', '--strict', CHART_DIR, '--namespace', NAMESPACE], row.values);
    t.equal(run.code, 0, `${row.name}: ${run.stdout}${run.stderr}`);
  }
});

t.test('helm lint --strict fails on values the schema rejects', async (t) => {
  const run = await runHelm(['lint', '--strict', CHART_DIR], { ...DATABASE_VALUES, mode: 'sometimes' });
  t.not(run.code, 0);
  t.match(run.stdout + run.stderr, /mode/);
});

for (const row of matrix) {
  t.test(`helm template: ${row.name}`, async (t) => {
    const objects = await renderChart(row.values);
    for (const object of objects) {
      t.doesNotThrow(() => validateObject(object), `${object.kind} ${object.metadata.name} validates`);
      t.equal(object.metadata.namespace, NAMESPACE, `${object.kind} ${object.metadata.name} is in the release namespace`);
      const labels = object.metadata.labels ?? {};
      for (const label of ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/managed-by', 'helm.sh/chart']) {
        t.ok(labels[label], `${object.kind} ${object.metadata.name} has ${label}`);
      }
    }
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of row.kinds) t.ok(kinds.has(kind), `renders a ${kind}`);
    for (const kind of row.absent) t.notOk(kinds.has(kind), `renders no ${kind}`);
  });
}

t.test('helm template --include-crds renders the SchedulingConfig and NotificationDestination CRDs, which validate', async (t) => {
  const objects = await renderChart(DATABASE_VALUES, { includeCrds: true });
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  t.same(crds.map((c) => c.metadata.name).sort(), ['notificationdestinations.scheduling.classctl.dev', 'schedulingconfigs.scheduling.classctl.dev']);
  for (const crd of crds) t.doesNotThrow(() => validateObject(crd));
});

t.test('NOTES.txt renders for both modes and both config sources', async (t) => {
  const rows: Array<[string, Record<string, unknown>, RegExp[]]> = [
    ['cronjob + custom resources', DATABASE_VALUES, [/Mode: cronjob/, /\*\/15 \* \* \* \*/, /get schedcfg/, /kubectl apply -f crds\//]],
    ['controller + ConfigMap', { ...DATABASE_VALUES, mode: 'controller', config: configMap, environment: 'staging' }, [/Mode: controller/, /every 5m/, /1 file/, /stamped "staging"/]],
  ];
  for (const [name, values, expected] of rows) {
    const run = await runHelm(['install', 'sched', CHART_DIR, '--namespace', NAMESPACE, '--dry-run=client'], values);
    t.equal(run.code, 0, `${name}: ${run.stderr}`);
    const notes = run.stdout.slice(run.stdout.indexOf('NOTES:'));
    for (const pattern of expected) t.match(notes, pattern, `${name}: notes mention ${pattern}`);
  }
});
