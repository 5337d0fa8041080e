// YAML documents with the `yaml` package's own duplicate-key errors, found in
// linear time. The package checks each key of a mapping against every key
// before it (100,000 closure dates took 79 s), so it parses with that check
// off and this module finds the repeated keys with one set per mapping, then
// reports them as the package would have: a DUPLICATE_KEY error "Map keys must
// be unique at line L, column C" at the second key, among the other errors in
// the order of their positions.
import { isMap, isScalar, LineCounter, parseAllDocuments, visit, YAMLParseError, type Document, type ParseOptions, type DocumentOptions, type SchemaOptions, type Node } from 'yaml';

export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

/** Like `parseAllDocuments(text, options)` with its default `uniqueKeys: true`, in linear time. */
export function parseYamlDocuments(text: string, options: YamlOptions = {}): Document.Parsed[] {
  const lineCounter = new LineCounter();
  const pretty = options.prettyErrors !== false;
  const parsed = parseAllDocuments(text, { ...options, uniqueKeys: false, lineCounter });
  // An empty stream gives an EmptyStream (a list of no documents) in this version.
  const documents = Array.isArray(parsed) ? parsed : [];
  for (const doc of documents) {
    const duplicates = duplicateKeyErrors(doc);
    if (duplicates.length === 0) continue;
    if (pretty) for (const e of duplicates) prettify(e, text, lineCounter);
    doc.errors = [...doc.errors, ...duplicates].sort((a, b) => a.pos[0] - b.pos[0]);
  }
  return documents;
}

/** The package's rule: two keys are equal when both are scalars with the same (===) value. */
function duplicateKeyErrors(doc: Document.Parsed): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key)) continue;
        const value = key.value;
        if (typeof value === 'number' && Number.isNaN(value)) continue; // NaN === NaN is false
        if (seen.has(value)) {
          const at = key.range?.[0] ?? 0;
          errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        } else {
          seen.add(value);
        }
      }
    },
  });
  return errors;
}

/**
 * The package's message format for an error at a position (its own formatter
 * is not exported): " at line L, column C", then the line with a caret under
 * the position, and the line before when the position starts its line.
 */
function prettify(error: YAMLParseError, text: string, lineCounter: LineCounter): void {
  error.linePos = [lineCounter.linePos(error.pos[0]), lineCounter.linePos(error.pos[1])];
  const { line, col } = error.linePos[0];
  error.message += ` at line ${line}, column ${col}`;
  const starts = lineCounter.lineStarts;
  let ci = col - 1;
  let lineStr = text.substring(starts[line - 1]!, starts[line]).replace(/[\n\r]+$/, '');
  if (ci >= 60 && lineStr.length > 80) {
    const trimStart = Math.min(ci - 39, lineStr.length - 79);
    lineStr = '…' + lineStr.substring(trimStart);
    ci -= trimStart - 1;
  }
  if (lineStr.length > 80) lineStr = lineStr.substring(0, 79) + '…';
  if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
    let prev = text.substring(starts[line - 2]!, starts[line - 1]);
    if (prev.length > 80) prev = prev.substring(0, 79) + '…\n';
    lineStr = prev + lineStr;
  }
  if (/[^ ]/.test(lineStr)) {
    let count = 1;
    const end = error.linePos[1];
    if (end?.line === line && end.col > col) count = Math.max(1, Math.min(end.col - col, 80 - ci));
    error.message += `:\n\n${lineStr}\n${' '.repeat(ci)}${'^'.repeat(count)}\n`;
  }
}
