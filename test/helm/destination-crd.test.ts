// The NotificationDestination CRD: committed copies equal what
// scripts/generate-crd.ts produces from schemas/, it validates, and it is
// structural (the schema's per-type requirements are CEL rules instead of allOf).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { DESTINATION_CRD_OUTPUT_PATHS, renderNotificationDestinationCrd } from '../../scripts/generate-crd.js';

type Node = Record<string, unknown>;
const generated = renderNotificationDestinationCrd();
const crd = parse(generated) as Node;

t.test('the committed copies are what the script generates', async (t) => {
  for (const path of DESTINATION_CRD_OUTPUT_PATHS) t.equal(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'), generated, `${path} is up to date`);
});

t.test('it validates, names the kind, and holds no keyword a structural schema forbids', async (t) => {
  t.doesNotThrow(() => new CustomResourceDefinition(crd as never).validate());
  t.match(crd, { metadata: { name: 'notificationdestinations.scheduling.classctl.dev' }, spec: { names: { kind: 'NotificationDestination' }, scope: 'Namespaced' } });
  const found: string[] = [];
  const walk = (n: unknown, path: string) => {
    if (n === null || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n as Node)) {
      if (['$ref', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'const', 'default'].includes(k) && !path.includes('/properties/properties')) found.push(`${path}/${k}`);
      walk(v, `${path}/${k}`);
    }
  };
  const spec = ((((crd.spec as Node).versions as Node[])[0]!.schema as Node).openAPIV3Schema as Node).properties as Node;
  walk(spec, '');
  t.strictSame(found, []);
  t.match((spec.spec as Node)['x-kubernetes-validations'], [{ rule: /webhook/ }, { rule: /slack/ }]);
});
