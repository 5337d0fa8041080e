// Parsing and merging in linear time must not change what users see: the YAML
// duplicate-key errors are the `yaml` package's own (message, position, order
// among the other errors), and merge provenance is what the per-key scan gave.
import t from 'tap';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { mergeLayer, EMPTY_MERGE, type FieldSource, type MergedSettings } from '../../controller/core/config/merge-layers.js';
import type { ConfigDocument } from '../../controller/core/types.js';
import { parseYamlDocuments } from '../../controller/sources/yaml-documents.js';
import { parseConfigFile } from '../../controller/sources/config-file.js';
import { joinPointer } from '../../controller/core/errors.js';

const errorsOf = (docs: ReturnType<typeof parseYamlDocuments>) =>
  docs.map((d) => d.errors.map((e) => ({ code: e.code, message: e.message, pos: e.pos, linePos: e.linePos })));

t.test('YAML duplicate keys are reported exactly as the yaml package reports them', async (t) => {
  const rows: Array<{ name: string; text: string; options?: Record<string, unknown> }> = [
    { name: 'a repeated key in a nested block mapping', text: 'generation:\n  horizonDays: 28\n  horizonDays: 14\n' },
    { name: 'a repeated top-level key', text: 'a: 1\nb: 2\na: 3\n' },
    { name: 'three equal keys give two errors', text: 'a: 1\na: 2\na: 3\n' },
    { name: 'a repeated key in a flow mapping', text: 'x: {a: 1, b: 2, a: 3}\n' },
    { name: 'a quoted and a plain key with the same text', text: '"2026-12-25": a\n2026-12-25: b\n' },
    { name: 'a number and a string are different keys', text: '1: a\n"1": b\n' },
    { name: 'two empty keys', text: ': a\n: b\n' },
    { name: 'an anchored key repeated', text: '&k a: 1\na: 2\n' },
    { name: 'a duplicate after a syntax error', text: 'a: [1, 2\nb: 1\nb: 2\n' },
    { name: 'a duplicate before a syntax error', text: 'b: 1\nb: 2\nc: "unterminated\n' },
    { name: 'a duplicate in the second document only', text: 'a: 1\n---\na: 1\na: 2\n' },
    { name: 'a duplicate on a long line is trimmed like the package trims it', text: `x: {${Array.from({ length: 30 }, (_, i) => `k${i}: ${i}`).join(', ')}, k29: 0}\n` },
    { name: 'no duplicates', text: 'a: 1\nb: {a: 1}\nc:\n  a: 1\n' },
    { name: 'the core schema of load files, without pretty errors', text: 'a: 1\na: 2\n', options: { schema: 'core', prettyErrors: false } },
    { name: 'the core schema of load files, pretty errors', text: 'series:\n  - id: a\n    id: b\n', options: { schema: 'core', prettyErrors: true } },
  ];
  for (const row of rows) {
    const expected = parseAllDocuments(row.text, row.options);
    const list = Array.isArray(expected) ? expected : [];
    t.strictSame(errorsOf(parseYamlDocuments(row.text, row.options)), errorsOf(list), row.name);
  }
});

t.test('a YAML config file with a duplicate key is still CONFIG_UNPARSABLE with the line and column', async (t) => {
  const parsed = parseConfigFile('generation:\n  horizonDays: 28\n  horizonDays: 14\n', 'config/dup.yaml');
  t.strictSame(
    parsed.problems.map((p) => [p.code, p.message]),
    [['CONFIG_UNPARSABLE', 'YAML syntax error: Map keys must be unique at line 3, column 3. Until it parses, nothing is reconciled: which scopes its documents configure cannot be known.']],
  );
});

/** The provenance rule, as it was written before it was made linear: scan every key for the prefix. */
function referenceMerge(layers: Array<Record<string, unknown>>): Record<string, FieldSource> {
  const provenance: Record<string, FieldSource> = {};
  let settings: unknown = {};
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const forget = (pointer: string) => {
    delete provenance[pointer];
    for (const key of Object.keys(provenance)) if (key.startsWith(pointer + '/')) delete provenance[key];
  };
  const track = (target: unknown, patch: Record<string, unknown>, at: string, source: FieldSource) => {
    for (const [key, value] of Object.entries(patch)) {
      const pointer = at + joinPointer(key);
      const below = isObject(target) ? target[key] : undefined;
      if (isObject(value)) {
        if (!isObject(below)) forget(pointer);
        track(below, value, pointer, source);
      } else {
        forget(pointer);
        if (value !== null) provenance[pointer] = source;
      }
    }
  };
  const apply = (target: unknown, patch: unknown): unknown => {
    if (!isObject(patch)) return patch;
    const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else out[k] = apply(out[k], v);
    }
    return out;
  };
  layers.forEach((patch, i) => {
    track(settings, patch, '', { document: `doc-${i}`, origin: `file-${i}` });
    settings = apply(settings, patch);
  });
  return provenance;
}

t.test('merge provenance equals the per-key scan for any layers', async (t) => {
  const key = fc.constantFrom('a', 'b', 'c', 'a/b', 'd~e');
  const leaf = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(null), fc.constant([1]));
  const patch = fc.letrec<{ node: Record<string, unknown> }>((tie) => ({
    node: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, leaf, tie('node')), { maxKeys: 4 }),
  })).node;
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(fc.array(patch, { minLength: 1, maxLength: 5 }), (layers) => {
        let merged: MergedSettings = EMPTY_MERGE;
        layers.forEach((settings, i) => {
          const doc: ConfigDocument = { name: `doc-${i}`, origin: `file-${i}`, scope: { kind: 'base' }, settings };
          merged = mergeLayer(merged, doc);
        });
        return JSON.stringify(sorted(merged.provenance)) === JSON.stringify(sorted(referenceMerge(layers)));
      }),
      { numRuns: 500 },
    ),
  );
});

function sorted(p: Record<string, FieldSource>): Array<[string, FieldSource]> {
  return Object.entries(p).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
