// Where the configuration comes from. config.source=kubernetes passes
// `--config-source kubernetes --namespace <release namespace>`;
// config.source=configMap mounts config.documents at /etc/classctl/config and
// passes `--config` — and what the ConfigMap holds is read back here with
// classctl's own files source, exactly as the pod will read the mount.
import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { BASE_DOCUMENT, DATABASE_VALUES, NAMESPACE, only, podSpecOf, renderChart, type K8sObject } from './chart.js';

const BRANCH_YAML = `apiVersion: scheduling.classctl.dev/v1
kind: SchedulingConfig
metadata:
  name: branch-downtown
spec:
  scope: { branch: downtown }
  settings:
    closures: { "2026-12-26": null }
---
apiVersion: scheduling.classctl.dev/v1
kind: SchedulingConfig
metadata:
  name: series-yoga
spec:
  scope: { series: yoga-mon }
  settings:
    sessionDefaults: { capacity: 12 }
`;

const CONFIG_MAP_VALUES = {
  ...DATABASE_VALUES,
  config: { source: 'configMap', documents: { base: BASE_DOCUMENT, 'branches.yml': BRANCH_YAML } },
};

function workload(objects: K8sObject[], mode: string): K8sObject {
  return only(objects, mode === 'cronjob' ? 'CronJob' : 'Deployment');
}

for (const mode of ['cronjob', 'controller']) {
  t.test(`${mode}: config from custom resources`, async (t) => {
    const objects = await renderChart({ ...DATABASE_VALUES, mode });
    const container = podSpecOf(workload(objects, mode)).containers[0];
    t.same(container?.args?.slice(0, 4), ['--config-source', 'kubernetes', '--namespace', NAMESPACE], 'reads SchedulingConfigs of the release namespace');
    t.notOk(container?.args?.includes('--config'), 'no config directory');
  });

  t.test(`${mode}: config from a ConfigMap`, async (t) => {
    const objects = await renderChart({ ...CONFIG_MAP_VALUES, mode });
    const pod = podSpecOf(workload(objects, mode));
    const container = pod.containers[0];
    t.same(container?.args?.slice(0, 2), ['--config', '/etc/classctl/config']);
    t.notOk(container?.args?.includes('--config-source'), 'files are the default source');

    const configMap = only(objects, 'ConfigMap');
    const mount = container?.volumeMounts?.find((m) => m.mountPath === '/etc/classctl/config');
    t.equal(pod.volumes?.find((v) => v.name === mount?.name)?.configMap?.name, configMap.metadata.name, 'the ConfigMap is mounted where --config points');
  });
}

t.test('the ConfigMap files are documents classctl reads', async (t) => {
  const objects = await renderChart(CONFIG_MAP_VALUES);
  const data = only(objects, 'ConfigMap').data as Record<string, string>;
  t.same(Object.keys(data).sort(), ['base.yaml', 'branches.yml'], 'a name without an extension gets .yaml; one with an extension keeps it');

  // Write the files as the kubelet would, then load them with the files source.
  const dir = await mkdtemp(join(tmpdir(), 'classctl-configmap-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const [file, text] of Object.entries(data)) await writeFile(join(dir, file), text);
  const { documents, problems } = await loadConfigDocumentsFromDir(dir);

  t.same(problems, [], 'no problems');
  t.same(
    documents.map((d) => [d.name, d.scope]),
    [
      ['base', { kind: 'base' }],
      ['branch-downtown', { kind: 'branch', id: 'downtown' }],
      ['series-yoga', { kind: 'series', id: 'yoga-mon' }],
    ],
  );
  t.same(documents[0]?.settings, BASE_DOCUMENT.spec.settings, 'an object document is rendered faithfully');
  t.same(documents[1]?.settings, { closures: { '2026-12-26': null } }, 'a null (a merge-patch delete) survives the rendering');
});

t.test('editing a document rolls the pods', async (t) => {
  const checksum = async (capacity: number) => {
    const document = { ...BASE_DOCUMENT, spec: { scope: {}, settings: { sessionDefaults: { capacity } } } };
    const objects = await renderChart({ ...CONFIG_MAP_VALUES, mode: 'controller', config: { source: 'configMap', documents: { base: document } } });
    const template = (only(objects, 'Deployment').spec as { template: { metadata: { annotations?: Record<string, string> } } }).template;
    return template.metadata.annotations?.['checksum/config'];
  };
  const before = await checksum(20);
  t.ok(before, 'the pod template carries a checksum of the documents');
  t.not(await checksum(25), before, 'a changed document changes the pod template');
});
