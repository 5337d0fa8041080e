// The JSON Schema → structural CRD schema conversion, rule by rule, and its
// refusal of what a CRD cannot express (with the JSON pointer to fix).
import t from 'tap';
import { toStructural, UnsupportedSchemaError, type RefResolver, type SchemaNode } from '../../scripts/crd/to-structural.js';

const BASE = 'https://classctl.dev/schemas/test/root.schema.json';
const OTHER: SchemaNode = {
  $id: 'https://classctl.dev/schemas/test/other.schema.json',
  description: 'from the other file',
  type: 'object',
  $defs: { day: { type: 'string', format: 'date' } },
  properties: { when: { $ref: '#/$defs/day' } },
};
const ROOT_DEFS: SchemaNode = { $defs: { count: { type: ['integer', 'null'], minimum: 0 } } };

// Resolves the two test documents, as loadSchemaRegistry does for schemas/.
const resolve: RefResolver = (ref, baseId) => {
  const url = new URL(ref, baseId);
  const [, pointerName] = /^#\/\$defs\/(.+)$/.exec(url.hash) ?? [];
  url.hash = '';
  const document = url.href === OTHER.$id ? OTHER : ROOT_DEFS;
  const schema = pointerName === undefined ? document : ((document.$defs as SchemaNode)[pointerName] as SchemaNode);
  return { schema, baseId: url.href };
};

const convert = (schema: SchemaNode) => toStructural(schema, BASE, resolve);

const conversions: Array<{ name: string; input: SchemaNode; output: SchemaNode }> = [
  {
    name: 'a nullable type becomes nullable: true',
    input: { type: ['integer', 'null'], minimum: 1, maximum: 10 },
    output: { type: 'integer', nullable: true, minimum: 1, maximum: 10 },
  },
  {
    name: 'an enum on a non-nullable field stays an enum',
    input: { type: 'string', enum: ['a', 'b'] },
    output: { type: 'string', enum: ['a', 'b'] },
  },
  {
    name: 'an enum on a nullable field becomes a CEL rule, since the enum check rejects null',
    input: { type: ['string', 'null'], enum: ['on', 'off', null] },
    output: {
      type: 'string',
      nullable: true,
      maxLength: 3,
      'x-kubernetes-validations': [{ rule: "self in ['on', 'off']", message: 'must be one of: on, off (or null, to remove the value inherited from a lower layer)' }],
    },
  },
  {
    name: 'a quote in an enum value is escaped in the CEL literal',
    input: { type: ['string', 'null'], enum: ["it's", null] },
    output: {
      type: 'string',
      nullable: true,
      maxLength: 4,
      'x-kubernetes-validations': [{ rule: "self in ['it\\'s']", message: "must be one of: it's (or null, to remove the value inherited from a lower layer)" }],
    },
  },
  { name: 'const becomes a one-value enum', input: { const: 'v1' }, output: { type: 'string', enum: ['v1'] } },
  {
    name: 'additionalProperties: false is dropped: unknown fields are pruned',
    input: { type: 'object', additionalProperties: false, required: ['a', 'ghost'], properties: { a: { type: 'boolean' } } },
    output: { type: 'object', properties: { a: { type: 'boolean' } }, required: ['a'] },
  },
  {
    name: 'a map keeps its value schema; propertyNames has no equivalent',
    input: { type: 'object', propertyNames: { format: 'date' }, additionalProperties: { type: ['string', 'null'], minLength: 1 } },
    output: { type: 'object', additionalProperties: { type: 'string', nullable: true, minLength: 1 } },
  },
  { name: 'additionalProperties: true preserves unknown fields', input: { type: 'object', additionalProperties: true }, output: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  { name: 'a free-form object is preserved, not pruned empty', input: { type: 'object', description: 'anything' }, output: { description: 'anything', type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  {
    name: "draft 2020-12's numeric exclusiveMinimum becomes OpenAPI's boolean form",
    input: { type: 'number', exclusiveMinimum: 0 },
    output: { type: 'number', minimum: 0, exclusiveMinimum: true },
  },
  { name: 'unique scalars become a set-typed list', input: { type: 'array', uniqueItems: true, items: { type: 'string' } }, output: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' } },
  {
    name: 'metadata keywords and defaults are dropped',
    input: { $schema: 'x', $id: 'https://classctl.dev/schemas/test/x.json', title: 'T', $comment: 'c', examples: [1], default: 3, type: 'integer' },
    output: { type: 'integer' },
  },
  { name: 'a format the API server does not know is dropped', input: { type: 'string', format: 'time' }, output: { type: 'string' } },
  {
    name: 'a $ref to another file is inlined, with its own $defs resolved against its $id',
    input: { type: 'object', properties: { other: { $ref: 'other.schema.json' } } },
    output: { type: 'object', properties: { other: { description: 'from the other file', type: 'object', properties: { when: { type: 'string', format: 'date' } } } } },
  },
  {
    name: 'a local $ref is inlined, and a sibling description wins',
    input: { $ref: '#/$defs/count', description: 'how many' },
    output: { description: 'how many', type: 'integer', nullable: true, minimum: 0 },
  },
];

for (const row of conversions) {
  t.test(row.name, async (t) => {
    t.same(convert(row.input), row.output);
  });
}

const refusals: Array<{ name: string; input: SchemaNode; pointer: string; message: RegExp }> = [
  { name: 'anyOf', input: { type: 'object', properties: { a: { anyOf: [{ type: 'string' }, { type: 'integer' }] } } }, pointer: '/properties/a', message: /"anyOf" has no structural CRD equivalent/ },
  { name: 'two non-null types', input: { type: ['string', 'integer'] }, pointer: '', message: /exactly one/ },
  { name: 'no type', input: { type: 'object', properties: { loose: { minimum: 1 } } }, pointer: '/properties/loose', message: /without a type/ },
  { name: 'properties with an additionalProperties schema', input: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } }, pointer: '', message: /cannot be combined/ },
  { name: 'patternProperties', input: { type: 'object', patternProperties: { '^x': { type: 'string' } } }, pointer: '', message: /patternProperties/ },
  { name: 'a keyword next to $ref', input: { $ref: '#/$defs/count', minimum: 5 }, pointer: '', message: /next to \$ref/ },
  { name: 'unique objects', input: { type: 'array', uniqueItems: true, items: { type: 'object', properties: {} } }, pointer: '', message: /uniqueItems/ },
];

for (const row of refusals) {
  t.test(`refused: ${row.name}`, async (t) => {
    let error: unknown;
    try {
      convert(row.input);
    } catch (err) {
      error = err;
    }
    t.ok(error instanceof UnsupportedSchemaError, 'refused with an UnsupportedSchemaError');
    t.equal((error as UnsupportedSchemaError).pointer, row.pointer, 'naming the JSON pointer to fix');
    t.match((error as Error).message, row.message);
  });
}
