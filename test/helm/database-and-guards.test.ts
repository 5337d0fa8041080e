// DATABASE_URL always comes from a Secret (never a literal in a pod spec), the
// chart's Secret exists before the migration hook reads it, an existing Secret
// is honoured, and the environment guards reach every container.
import t from 'tap';
import { DATABASE_VALUES, envVar, ofKind, only, podSpecOf, renderChart, type K8sObject } from './chart.js';

const URL = DATABASE_VALUES.database.url;

function containers(objects: K8sObject[]) {
  return objects
    .filter((o) => ['CronJob', 'Deployment', 'Job'].includes(o.kind))
    .flatMap((w) => podSpecOf(w).containers.map((c) => [`${w.kind}/${c.name}`, c] as const));
}

for (const mode of ['cronjob', 'controller']) {
  t.test(`${mode}: the chart-created Secret`, async (t) => {
    const objects = await renderChart({ ...DATABASE_VALUES, mode });
    const secret = only(objects, 'Secret');
    t.same(secret.stringData, { DATABASE_URL: URL }, 'the Secret holds the URL under database.secretKey');

    const job = only(objects, 'Job', 'migration');
    const hookWeight = (o: K8sObject) => Number(o.metadata.annotations?.['helm.sh/hook-weight']);
    t.match(secret.metadata.annotations?.['helm.sh/hook'], /pre-install/, 'the Secret is a pre-install hook: ordinary objects would not exist yet');
    t.ok(hookWeight(secret) < hookWeight(job), 'and is created before the migration Job');
    t.equal(secret.metadata.annotations?.['helm.sh/hook-delete-policy'], 'before-hook-creation', 'and is not deleted once the hooks succeed');

    const all = containers(objects);
    t.ok(all.length >= 2, 'the workload and the migration');
    for (const [name, container] of all) {
      t.same(envVar(container, 'DATABASE_URL')?.valueFrom, { secretKeyRef: { name: secret.metadata.name, key: 'DATABASE_URL' } }, `${name}: DATABASE_URL from secretKeyRef`);
    }
    const podSpecs = JSON.stringify(objects.filter((o) => o.kind !== 'Secret'));
    t.notOk(podSpecs.includes(URL), 'the URL appears nowhere but in the Secret');
  });
}

t.test('an existing Secret is honoured', async (t) => {
  const objects = await renderChart({ database: { existingSecret: 'gym-db', secretKey: 'uri' } });
  t.same(ofKind(objects, 'Secret'), [], 'the chart creates no Secret');
  for (const [name, container] of containers(objects)) {
    t.same(envVar(container, 'DATABASE_URL')?.valueFrom, { secretKeyRef: { name: 'gym-db', key: 'uri' } }, `${name}: reads gym-db/uri`);
  }
});

t.test('environment guards', async (t) => {
  const rows: Array<{ name: string; values: Record<string, unknown>; env: string | undefined; allow: string }> = [
    { name: 'defaults: no environment, apply to production refused', values: {}, env: undefined, allow: 'false' },
    { name: 'a staging release', values: { environment: 'staging' }, env: 'staging', allow: 'false' },
    { name: 'the production release, apply deliberately allowed', values: { environment: 'production', allowApply: true }, env: 'production', allow: 'true' },
  ];
  for (const row of rows) {
    for (const mode of ['cronjob', 'controller']) {
      const objects = await renderChart({ ...DATABASE_VALUES, mode, ...row.values });
      for (const [name, container] of containers(objects)) {
        t.equal(envVar(container, 'CLASSCTL_ENV')?.value, row.env, `${row.name}, ${mode}, ${name}: CLASSCTL_ENV`);
        t.equal(envVar(container, 'CLASSCTL_ALLOW_APPLY')?.value, row.allow, `${row.name}, ${mode}, ${name}: CLASSCTL_ALLOW_APPLY`);
      }
    }
  }
});

t.test('extraEnv is added after the chart variables', async (t) => {
  const objects = await renderChart({ ...DATABASE_VALUES, extraEnv: [{ name: 'TZ', value: 'UTC' }] });
  const container = podSpecOf(only(objects, 'CronJob')).containers[0];
  t.equal(container && envVar(container, 'TZ')?.value, 'UTC');
  t.equal(container?.env?.at(-1)?.name, 'TZ');
});
