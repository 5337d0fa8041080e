// Least privilege: with config from custom resources the controller may read
// SchedulingConfigs and patch their status in its own namespace — exactly
// that; with config from a ConfigMap it gets no API access and no token.
import t from 'tap';
import { BASE_DOCUMENT, DATABASE_VALUES, NAMESPACE, ofKind, only, podSpecOf, renderChart } from './chart.js';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const LEAST_PRIVILEGE: PolicyRule[] = [
  { apiGroups: ['scheduling.classctl.dev'], resources: ['schedulingconfigs'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['scheduling.classctl.dev'], resources: ['schedulingconfigs/status'], verbs: ['patch'] },
  { apiGroups: ['scheduling.classctl.dev'], resources: ['notificationdestinations'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create'] },
];

for (const mode of ['cronjob', 'controller']) {
  t.test(`${mode} mode with config from custom resources`, async (t) => {
    const objects = await renderChart({ ...DATABASE_VALUES, mode });
    t.same(ofKind(objects, 'ClusterRole'), [], 'no cluster-wide role');
    t.same(ofKind(objects, 'ClusterRoleBinding'), []);

    const role = only(objects, 'Role');
    t.equal(role.metadata.namespace, NAMESPACE, 'namespaced to the release');
    t.same(role.rules, LEAST_PRIVILEGE, 'exactly get/list/watch schedulingconfigs, patch their status, get/list notificationdestinations, create events');

    const binding = only(objects, 'RoleBinding');
    const serviceAccount = only(objects, 'ServiceAccount');
    t.same(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    t.same(binding.subjects, [{ kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace: NAMESPACE }]);

    const workload = only(objects, mode === 'cronjob' ? 'CronJob' : 'Deployment');
    const pod = podSpecOf(workload);
    t.equal(pod.serviceAccountName, serviceAccount.metadata.name, 'the reconciling pod runs as the bound account');
    t.equal(pod.automountServiceAccountToken, true, 'and gets its token, to reach the API');
    t.equal(serviceAccount.automountServiceAccountToken, false, 'other pods using the account get no token by default');
  });
}

t.test('notification Secrets: get on exactly the Secrets named, no other', async (t) => {
  const objects = await renderChart({ ...DATABASE_VALUES, rbac: { create: true, notificationSecrets: ['classctl-notify'] } });
  const role = only(objects, 'Role');
  t.same(role.rules, [...LEAST_PRIVILEGE, { apiGroups: [''], resources: ['secrets'], resourceNames: ['classctl-notify'], verbs: ['get'] }]);
});

t.test('config from a ConfigMap: no Role, no token', async (t) => {
  const objects = await renderChart({ ...DATABASE_VALUES, config: { source: 'configMap', documents: { base: BASE_DOCUMENT } } });
  t.same(ofKind(objects, 'Role'), []);
  t.same(ofKind(objects, 'RoleBinding'), []);
  t.equal(podSpecOf(only(objects, 'CronJob')).automountServiceAccountToken, false);
});

t.test('the migration Job never gets API access', async (t) => {
  const job = only(await renderChart(DATABASE_VALUES), 'Job', 'migration');
  const pod = podSpecOf(job);
  t.equal(pod.automountServiceAccountToken, false);
  t.equal(pod.serviceAccountName, undefined, 'the chart account does not exist yet at pre-install: the namespace default is used');
});

t.test('rbac.create=false and an existing service account', async (t) => {
  const objects = await renderChart({ ...DATABASE_VALUES, rbac: { create: false }, serviceAccount: { create: false, name: 'classctl-managed-elsewhere' } });
  t.same(ofKind(objects, 'Role'), [], 'no Role when RBAC is managed elsewhere');
  t.same(ofKind(objects, 'ServiceAccount'), []);
  t.equal(podSpecOf(only(objects, 'CronJob')).serviceAccountName, 'classctl-managed-elsewhere');
  t.equal(podSpecOf(only(objects, 'Job', 'migration')).serviceAccountName, 'classctl-managed-elsewhere', 'an existing account exists at pre-install, so the migration uses it too');
});
