// The SchedulingConfig CRD: committed copies equal what scripts/generate-crd.ts
// produces from schemas/, the schema is structural (the API server rejects it
// otherwise), and it accepts and rejects documents the way the controller's
// own JSON Schema validation does, except where the docs say it is laxer.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { Ajv, type AnySchema } from 'ajv';
import { parse } from 'yaml';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { CRD_OUTPUT_PATHS, renderSchedulingConfigCrd } from '../../scripts/generate-crd.js';
import { documentSchemaErrors } from '../../controller/core/config/validators.js';
import settingsPatch from '../../schemas/settings-patch.schema.json' with { type: 'json' };

type Node = Record<string, unknown>;

const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const generated = renderSchedulingConfigCrd();
const crd = parse(generated) as Node;
const version = ((crd.spec as Node).versions as Node[])[0] as Node;
const openApi = (version.schema as Node).openAPIV3Schema as Node;

t.test('the committed CRD is what the script generates', async (t) => {
  t.same(CRD_OUTPUT_PATHS, ['crds/scheduling.classctl.dev_schedulingconfigs.yaml', 'charts/class-series-controller/crds/scheduling.classctl.dev_schedulingconfigs.yaml']);
  for (const path of CRD_OUTPUT_PATHS) {
    t.equal(repoFile(path), generated, `${path} is up to date (run: node --import ./bin/register.js scripts/generate-crd.ts)`);
  }
  t.equal(repoFile(CRD_OUTPUT_PATHS[0] as string), repoFile(CRD_OUTPUT_PATHS[1] as string), "the chart's copy is identical to crds/");
});

t.test('the CRD validates and names what kubectl users type', async (t) => {
  t.doesNotThrow(() => new CustomResourceDefinition(crd as never).validate());
  t.match(crd, {
    metadata: { name: 'schedulingconfigs.scheduling.classctl.dev' },
    spec: {
      group: 'scheduling.classctl.dev',
      scope: 'Namespaced',
      names: { kind: 'SchedulingConfig', plural: 'schedulingconfigs', singular: 'schedulingconfig', shortNames: ['schedcfg'] },
    },
  });
  t.match(version, { name: 'v1', served: true, storage: true, subresources: { status: {} } });
  const columns = version.additionalPrinterColumns as Node[];
  t.same(
    columns.filter((c) => c.priority === undefined).map((c) => [c.name, c.jsonPath]),
    [
      ['Scope', '.spec.scope'],
      ['Valid', '.status.conditions[?(@.type=="Valid")].status'],
      ['Age', '.metadata.creationTimestamp'],
    ],
  );
});

t.test('the schema is structural', async (t) => {
  const problems: string[] = [];
  walk(openApi, '', (node, path) => {
    const type = node.type;
    if (typeof type !== 'string' && node['x-kubernetes-preserve-unknown-fields'] !== true) problems.push(`${path}: no single type`);
    for (const forbidden of ['$ref', '$defs', '$schema', '$id', 'anyOf', 'oneOf', 'allOf', 'not', 'patternProperties', 'propertyNames', 'const', 'default']) {
      if (forbidden in node) problems.push(`${path}: ${forbidden}`);
    }
    if (node.additionalProperties === false) problems.push(`${path}: additionalProperties: false`);
    if (node.properties !== undefined && node.additionalProperties !== undefined) problems.push(`${path}: properties with additionalProperties`);
    if (node.uniqueItems === true) problems.push(`${path}: uniqueItems`);
    if (Array.isArray(node.enum) && node.enum.includes(null)) problems.push(`${path}: null in enum`);
  });
  t.same(problems, []);
  t.match(openApi, { properties: { metadata: { type: 'object' } } }, 'metadata is left to the API server');
});

t.test('status: conditions in the metav1.Condition shape, and observedGeneration', async (t) => {
  const status = (openApi.properties as Node).status as Node;
  const statusProps = status.properties as Node;
  t.match(statusProps.observedGeneration, { type: 'integer', format: 'int64' });
  const conditions = statusProps.conditions as Node;
  t.match(conditions, { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
  const item = conditions.items as Node;
  t.same(Object.keys(item.properties as Node).sort(), ['lastTransitionTime', 'message', 'observedGeneration', 'reason', 'status', 'type']);
  t.same(item.required, ['type', 'status', 'lastTransitionTime', 'reason', 'message']);
  t.same(((item.properties as Node).status as Node).enum, ['True', 'False', 'Unknown']);
});

t.test('every settings field keeps its nullability and its allowed values', async (t) => {
  const settings = (((openApi.properties as Node).spec as Node).properties as Node).settings as Node;
  const pairs: Array<[string, Node, Node]> = [];
  for (const [section, sourceSection] of Object.entries(settingsPatch.properties as Record<string, Node>)) {
    const crdSection = (settings.properties as Node)[section] as Node;
    pairs.push([section, sourceSection, crdSection]);
    for (const [field, sourceField] of Object.entries((sourceSection.properties ?? {}) as Record<string, Node>)) {
      pairs.push([`${section}.${field}`, sourceField, (crdSection.properties as Node)[field] as Node]);
    }
  }
  t.ok(pairs.length >= 15, `${pairs.length} fields compared`);
  for (const [name, source, converted] of pairs) {
    t.ok(converted, `${name} is in the CRD`);
    const sourceTypes = [source.type].flat();
    t.equal(converted.nullable === true, sourceTypes.includes('null'), `${name}: nullable iff the schema allows null (merge-patch deletes)`);
    for (const bound of ['minimum', 'maximum', 'minLength']) {
      if (source[bound] !== undefined) t.equal(converted[bound], source[bound], `${name}: ${bound} kept`);
    }
    if (Array.isArray(source.enum)) {
      const allowed = source.enum.filter((v) => v !== null);
      const rule = (converted['x-kubernetes-validations'] as Node[] | undefined)?.[0]?.rule;
      t.same(celAllowedValues(String(rule)), allowed, `${name}: the allowed values, as a CEL rule that lets null through`);
    }
  }
});

// Documents judged by the CRD (ajv over the openAPIV3Schema, with `nullable`
// and the `self in [...]` CEL rules) and by the controller's JSON Schema.
const crdValidate = compileCrdSchema(openApi);
const doc = (spec: unknown) => ({ apiVersion: 'scheduling.classctl.dev/v1', kind: 'SchedulingConfig', metadata: { name: 'doc' }, spec });

const rows: Array<{ name: string; document: unknown; crd: boolean; controller: boolean }> = [
  {
    name: 'the documented example',
    document: doc({
      scope: { branch: 'downtown' },
      settings: {
        generation: { enabled: true, horizonDays: 56 },
        dst: { nonexistentTime: 'shiftForward', ambiguousTime: 'earlier' },
        closures: { '2026-12-25': 'Christmas Day', '2026-12-26': null },
        sessionDefaults: { durationMinutes: 60, capacity: 20 },
        removal: { unbooked: 'delete', booked: 'cancel' },
        cleanup: { deleteSeriesAfterDays: 0 },
        safety: { maxRemovalsPerRun: 500 },
      },
    }),
    crd: true,
    controller: true,
  },
  { name: 'a base with empty settings', document: doc({ scope: {}, settings: {} }), crd: true, controller: true },
  { name: 'null deletes an inherited leaf', document: doc({ scope: { series: 's1' }, settings: { dst: { ambiguousTime: null } } }), crd: true, controller: true },
  { name: 'null deletes a whole section', document: doc({ scope: { series: 's1' }, settings: { closures: null } }), crd: true, controller: true },
  { name: 'an enum value that does not exist', document: doc({ scope: {}, settings: { dst: { ambiguousTime: 'latest' } } }), crd: false, controller: false },
  { name: 'delete for a booked session', document: doc({ scope: {}, settings: { removal: { booked: 'delete' } } }), crd: false, controller: false },
  { name: 'a horizon of zero days', document: doc({ scope: {}, settings: { generation: { horizonDays: 0 } } }), crd: false, controller: false },
  { name: 'a horizon beyond two years', document: doc({ scope: {}, settings: { generation: { horizonDays: 731 } } }), crd: false, controller: false },
  { name: 'a fractional capacity', document: doc({ scope: {}, settings: { sessionDefaults: { capacity: 2.5 } } }), crd: false, controller: false },
  { name: 'a scope naming a branch and a series', document: doc({ scope: { branch: 'b', series: 's' }, settings: {} }), crd: false, controller: false },
  { name: 'an empty closure reason', document: doc({ scope: {}, settings: { closures: { '2026-12-25': '' } } }), crd: false, controller: false },
  { name: 'no settings', document: doc({ scope: {} }), crd: false, controller: false },
  // Laxer in the CRD, by design (docs/kubernetes.md): the API server prunes unknown
  // fields (kubectl's strict field validation reports them) and cannot check map keys;
  // the controller reports both as Valid=False.
  { name: 'an unknown field (pruned by the API server)', document: doc({ scope: {}, settings: { generation: { horizonDay: 5 } } }), crd: true, controller: false },
  { name: 'a closure key that is not a date', document: doc({ scope: {}, settings: { closures: { tomorrow: 'Party' } } }), crd: true, controller: false },
];

for (const row of rows) {
  t.test(`CRD and controller agree: ${row.name}`, async (t) => {
    t.equal(crdValidate(row.document), row.crd, `the CRD ${row.crd ? 'accepts' : 'rejects'} it`);
    t.equal(documentSchemaErrors(row.document).length === 0, row.controller, `the controller ${row.controller ? 'accepts' : 'rejects'} it`);
  });
}

/** Visits every schema node under `node`. */
function walk(node: Node, path: string, visit: (node: Node, path: string) => void): void {
  visit(node, path);
  for (const [name, sub] of Object.entries((node.properties ?? {}) as Record<string, Node>)) walk(sub, `${path}/properties/${name}`, visit);
  if (typeof node.additionalProperties === 'object' && node.additionalProperties !== null) walk(node.additionalProperties as Node, `${path}/additionalProperties`, visit);
  if (typeof node.items === 'object' && node.items !== null) walk(node.items as Node, `${path}/items`, visit);
}

/** The values of a `self in ['a', 'b']` rule; any other rule fails the test that reads it. */
function celAllowedValues(rule: string): string[] {
  const match = /^self in \[(.*)\]$/.exec(rule);
  if (!match) throw new Error(`not a "self in [...]" rule: ${rule}`);
  return [...(match[1] ?? '').matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
}

/**
 * An approximation of the API server's validation: OpenAPI `nullable` (ajv
 * knows it), and x-kubernetes-validations of the `self in [...]` form, which
 * like CEL rules are skipped for null values.
 */
function compileCrdSchema(schema: Node): (value: unknown) => boolean {
  const ajv = new Ajv({ strict: false, validateFormats: false });
  ajv.addKeyword({
    keyword: 'x-kubernetes-validations',
    validate: (rules: Array<{ rule: string }>, data: unknown) => data === null || rules.every((r) => celAllowedValues(r.rule).includes(String(data))),
  });
  const validate = ajv.compile(schema as AnySchema);
  return (value) => validate(value) === true;
}
