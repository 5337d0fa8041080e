// JSON Schema (draft 2020-12, as written in schemas/) → the structural
// OpenAPI v3 subset a CustomResourceDefinition accepts. The API server rejects
// a CRD whose schema is not structural, so anything this converter cannot
// express faithfully is an error naming the keyword and its JSON pointer,
// never a silently different schema.
//
// What changes, and why:
// * `$ref` is inlined: CRD schemas have no references.
// * `type: [T, "null"]` → `type: T, nullable: true`: null is how a merge-patch
//   layer deletes an inherited value, and the API server drops a null it does
//   not allow.
// * `enum` on a nullable field becomes a CEL rule: the API server's enum check
//   rejects null even when null is listed (kube-openapi's basicCommonValidator
//   skips nil enum values), while CEL rules only see non-null values. The rule
//   gets a maxLength so its estimated cost is bounded.
// * `additionalProperties: false` is dropped: CRDs forbid it next to
//   `properties`, and unknown fields are pruned (kubectl's default strict field
//   validation reports them) instead.
// * `propertyNames` has no CRD equivalent and is dropped: the controller still
//   validates every document against the full JSON Schema.
// * `default` is dropped: the API server would write it into every resource,
//   and a default in a patch layer would override the layers below it.

/** A JSON Schema or CRD schema node. */
export type SchemaNode = { [keyword: string]: unknown };

/** Resolves a `$ref` found in the schema whose `$id` is `baseId`. */
export type RefResolver = (ref: string, baseId: string) => { schema: SchemaNode; baseId: string };

/** Formats the API server validates; others are dropped (the controller checks them). */
const KUBERNETES_FORMATS = new Set(['date', 'date-time', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uri', 'uuid', 'byte', 'int32', 'int64']);

/** Keywords that carry no validation, or none a CRD can hold (see the header). */
const DROPPED = new Set(['$schema', '$id', '$defs', 'definitions', '$comment', 'title', 'examples', 'default', 'propertyNames']);

/** Keywords copied as they are. */
const COPIED = ['minimum', 'maximum', 'multipleOf', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'minProperties', 'maxProperties'];

const HANDLED = new Set([
  ...DROPPED,
  ...COPIED,
  'description', 'type', 'enum', 'const', 'format', 'properties', 'required', 'additionalProperties',
  'items', 'uniqueItems', 'exclusiveMinimum', 'exclusiveMaximum', '$ref',
]);

export class UnsupportedSchemaError extends Error {
  constructor(
    readonly pointer: string,
    message: string,
  ) {
    super(`${pointer || '/'}: ${message}`);
    this.name = 'UnsupportedSchemaError';
  }
}

/** Converts one schema (and everything it references) to a structural CRD schema. */
export function toStructural(schema: SchemaNode, baseId: string, resolveRef: RefResolver, pointer = ''): SchemaNode {
  if (typeof schema.$ref === 'string') {
    const extra = Object.keys(schema).filter((k) => k !== '$ref' && k !== 'description' && !DROPPED.has(k));
    if (extra.length > 0) {
      throw new UnsupportedSchemaError(pointer, `keywords next to $ref (${extra.join(', ')}) are not supported; move them into the referenced schema`);
    }
    const target = resolveRef(schema.$ref, baseId);
    const inlined = toStructural(target.schema, target.baseId, resolveRef, pointer);
    return typeof schema.description === 'string' ? withDescription(inlined, schema.description) : inlined;
  }
  for (const keyword of Object.keys(schema)) {
    if (!HANDLED.has(keyword)) {
      throw new UnsupportedSchemaError(pointer, `"${keyword}" has no structural CRD equivalent; express it differently or teach scripts/crd/to-structural.ts`);
    }
  }
  const base = typeof schema.$id === 'string' ? new URL(schema.$id, baseId).href : baseId;
  const { type, nullable } = structuralType(schema, pointer);
  if (type === undefined) {
    throw new UnsupportedSchemaError(pointer, 'a schema without a type is not structural; give it one');
  }
  const out: SchemaNode = {};
  if (typeof schema.description === 'string') out.description = schema.description;
  if (type !== undefined) out.type = type;
  if (nullable) out.nullable = true;
  if (typeof schema.format === 'string' && KUBERNETES_FORMATS.has(schema.format)) out.format = schema.format;

  const allowed = enumValues(schema);
  const needsRule = allowed !== undefined && nullable;
  if (allowed !== undefined && !nullable) out.enum = allowed;

  for (const keyword of COPIED) {
    if (schema[keyword] !== undefined) out[keyword] = schema[keyword];
  }
  copyExclusiveBound(schema, out, 'exclusiveMinimum', 'minimum');
  copyExclusiveBound(schema, out, 'exclusiveMaximum', 'maximum');
  if (needsRule && type === 'string') {
    const longest = Math.max(...allowed.map((v) => String(v).length));
    out.maxLength = Math.min(typeof out.maxLength === 'number' ? out.maxLength : longest, longest);
  }

  const properties = schema.properties as Record<string, SchemaNode> | undefined;
  if (properties !== undefined) {
    const converted: Record<string, SchemaNode> = {};
    for (const [name, sub] of Object.entries(properties)) {
      converted[name] = toStructural(sub, base, resolveRef, `${pointer}/properties/${escapePointer(name)}`);
    }
    out.properties = converted;
    const required = Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string' && r in properties) : [];
    if (required.length > 0) out.required = required;
  }

  const additional = schema.additionalProperties;
  if (additional !== undefined && additional !== false) {
    if (properties !== undefined) {
      throw new UnsupportedSchemaError(pointer, 'properties and a non-false additionalProperties cannot be combined in a CRD schema');
    }
    if (additional === true) out['x-kubernetes-preserve-unknown-fields'] = true;
    else out.additionalProperties = toStructural(additional as SchemaNode, base, resolveRef, `${pointer}/additionalProperties`);
  }

  if (schema.items !== undefined) {
    if (typeof schema.items !== 'object' || schema.items === null || Array.isArray(schema.items)) {
      throw new UnsupportedSchemaError(pointer, 'items must be a single schema (tuples are not structural)');
    }
    out.items = toStructural(schema.items as SchemaNode, base, resolveRef, `${pointer}/items`);
  }
  if (schema.uniqueItems === true) {
    // CRDs forbid uniqueItems: true; a list of scalars says the same as a set.
    const itemType = (out.items as SchemaNode | undefined)?.type;
    if (itemType === 'object' || itemType === 'array') {
      throw new UnsupportedSchemaError(pointer, 'uniqueItems over objects or arrays has no CRD equivalent');
    }
    out['x-kubernetes-list-type'] = 'set';
  }

  if (type === 'object' && out.properties === undefined && out.additionalProperties === undefined) {
    // A free-form object: without this the API server would prune its content.
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  if (needsRule) {
    const literals = allowed.map((v) => celLiteral(v, pointer)).join(', ');
    out['x-kubernetes-validations'] = [
      {
        rule: `self in [${literals}]`,
        message: `must be one of: ${allowed.join(', ')} (or null, to remove the value inherited from a lower layer)`,
      },
    ];
  }
  return out;
}

/** The single non-null type and whether null is allowed. */
function structuralType(schema: SchemaNode, pointer: string): { type: string | undefined; nullable: boolean } {
  let types: string[];
  if (schema.type === undefined) {
    const constType = schema.const === undefined ? undefined : jsonType(schema.const);
    types = constType === undefined ? [] : [constType];
  } else {
    types = Array.isArray(schema.type) ? schema.type.map(String) : [String(schema.type)];
  }
  const nonNull = types.filter((t) => t !== 'null');
  if (nonNull.length > 1) {
    throw new UnsupportedSchemaError(pointer, `type ${JSON.stringify(types)} mixes several types; a CRD field has exactly one`);
  }
  return { type: nonNull[0], nullable: types.includes('null') };
}

/** enum or const, without null (nullable carries it). */
function enumValues(schema: SchemaNode): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum.filter((v) => v !== null);
  if (schema.const !== undefined && schema.const !== null) return [schema.const];
  return undefined;
}

/** Draft 2020-12 numeric exclusive bounds → OpenAPI v3's boolean form. */
function copyExclusiveBound(schema: SchemaNode, out: SchemaNode, keyword: 'exclusiveMinimum' | 'exclusiveMaximum', bound: 'minimum' | 'maximum'): void {
  const value = schema[keyword];
  if (typeof value !== 'number') return;
  out[bound] = value;
  out[keyword] = true;
}

function jsonType(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return 'object';
}

function celLiteral(value: unknown, pointer: string): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UnsupportedSchemaError(pointer, `enum value ${JSON.stringify(value)} cannot be written as a CEL literal`);
}

function withDescription(schema: SchemaNode, description: string): SchemaNode {
  const { description: _previous, ...rest } = schema;
  return { description, ...rest };
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
