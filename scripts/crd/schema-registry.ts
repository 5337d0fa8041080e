// The JSON Schemas of schemas/, indexed by `$id`, so that a `$ref` such as
// "settings-patch.schema.json" or "x.schema.json#/$defs/y" resolves the way
// ajv resolves it at run time: against the referring schema's `$id`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RefResolver, SchemaNode } from './to-structural.js';

export interface SchemaRegistry {
  /** The schema whose file name is `file` (e.g. "scheduling-config.schema.json"), with its `$id`. */
  byFile(file: string): { schema: SchemaNode; id: string };
  resolve: RefResolver;
}

export function loadSchemaRegistry(dir: string): SchemaRegistry {
  const byId = new Map<string, SchemaNode>();
  const idOfFile = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SchemaNode;
    // A schema without $id is still addressable by a file: URL of its path.
    const id = typeof schema.$id === 'string' ? schema.$id : new URL(`file://${join(dir, file)}`).href;
    byId.set(id, schema);
    idOfFile.set(file, id);
  }
  return {
    byFile(file) {
      const id = idOfFile.get(file);
      const schema = id === undefined ? undefined : byId.get(id);
      if (id === undefined || schema === undefined) throw new Error(`schema ${file} not found in ${dir}`);
      return { schema, id };
    },
    resolve(ref, baseId) {
      const url = new URL(ref, baseId);
      const fragment = decodeURIComponent(url.hash.replace(/^#/, ''));
      url.hash = '';
      const document = byId.get(url.href);
      if (document === undefined) throw new Error(`$ref "${ref}" (from ${baseId}) names ${url.href}, which is not a schema in ${dir}`);
      return { schema: followPointer(document, fragment, ref), baseId: url.href };
    },
  };
}

/** Follows a JSON pointer fragment ("" or "/$defs/name") inside one schema document. */
function followPointer(document: SchemaNode, pointer: string, ref: string): SchemaNode {
  if (pointer === '') return document;
  let node: unknown = document;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = typeof node === 'object' && node !== null ? (node as SchemaNode)[segment] : undefined;
    if (node === undefined) throw new Error(`$ref "${ref}": nothing at "${pointer}"`);
  }
  return node as SchemaNode;
}
