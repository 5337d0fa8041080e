// Every pod the chart runs — the CronJob's, the Deployment's and the migration
// Job's — is non-root with a read-only root filesystem, no privilege
// escalation, no capabilities and the runtime's seccomp profile (the
// "restricted" Pod Security Standard), with a writable /tmp.
import t from 'tap';
import { DATABASE_VALUES, only, podSpecOf, renderChart, type K8sObject } from './chart.js';

async function workloads(): Promise<Array<[string, K8sObject]>> {
  const cron = await renderChart(DATABASE_VALUES);
  const controller = await renderChart({ ...DATABASE_VALUES, mode: 'controller' });
  return [
    ['CronJob', only(cron, 'CronJob')],
    ['Deployment', only(controller, 'Deployment')],
    ['migration Job', only(cron, 'Job', 'migration')],
  ];
}

t.test('restricted security context everywhere', async (t) => {
  for (const [name, workload] of await workloads()) {
    const pod = podSpecOf(workload);
    t.match(pod.securityContext, { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } }, `${name}: pod is non-root with RuntimeDefault seccomp`);
    for (const container of pod.containers) {
      const sc = container.securityContext ?? {};
      t.equal(sc.runAsNonRoot, true, `${name}/${container.name}: runAsNonRoot`);
      t.equal(sc.runAsUser, 10001, `${name}/${container.name}: uid 10001, the image's user`);
      t.equal(sc.readOnlyRootFilesystem, true, `${name}/${container.name}: read-only root filesystem`);
      t.equal(sc.allowPrivilegeEscalation, false, `${name}/${container.name}: no privilege escalation`);
      t.same(sc.capabilities?.drop, ['ALL'], `${name}/${container.name}: drops all capabilities`);

      const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      t.ok(tmp, `${name}/${container.name}: /tmp is mounted`);
      t.ok(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${name}: /tmp is an emptyDir`);
      const cacheDir = (container as unknown as { env?: Array<{ name: string; value?: string }> }).env?.find((e) => e.name === 'CLASSCTL_CACHE_DIR')?.value;
      if (container.name !== 'migrate') t.match(cacheDir, /^\/tmp\//, `${name}/${container.name}: the holiday-calendar cache is on the writable /tmp, not the read-only root`);
    }
  }
});

t.test('resources have defaults', async (t) => {
  for (const [name, workload] of await workloads()) {
    const container = podSpecOf(workload).containers[0] as unknown as { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } };
    t.ok(container.resources?.requests?.cpu && container.resources.requests.memory, `${name}: cpu and memory requests`);
    t.ok(container.resources?.limits?.memory, `${name}: a memory limit`);
  }
});
