// The text of a load file (`classctl load FILE`) into its one document. A
// `.json` file is parsed by JSON.parse (the YAML parser took 37 s and 2 GB for
// 100,000 series, JSON.parse under a second), with the duplicate-key check
// JSON.parse lacks; anything else is YAML 1.2, core schema, so unquoted
// 2026-11-25 and 18:30 stay strings. Pure, so it is tested without files.
import { findDuplicateJsonKey } from './json-duplicate-keys.js';
import { parseYamlDocuments } from './yaml-documents.js';
import { withLine } from './json-position.js';

export interface ParsedLoadFile {
  doc: unknown;
  /** Why the text is not one YAML or JSON document, or null. */
  error: string | null;
}

export function parseLoadFile(text: string, origin = ''): ParsedLoadFile {
  return origin.toLowerCase().endsWith('.json') ? parseJsonLoadFile(text) : parseYamlLoadFile(text);
}

function parseYamlLoadFile(text: string): ParsedLoadFile {
  const docs = parseYamlDocuments(text, { schema: 'core', prettyErrors: true });
  if (docs.length > 1) return { doc: null, error: `the file holds ${docs.length} YAML documents; put branches and series in one` };
  const d = docs[0];
  if (!d) return { doc: null, error: null }; // an empty file: validation says what it needs
  const first = d.errors[0];
  if (first) return { doc: null, error: first.message };
  return { doc: d.toJS({ maxAliasCount: 100 }), error: null };
}

function parseJsonLoadFile(text: string): ParsedLoadFile {
  // An empty file (or only white space) is an empty document, as in YAML: validation says what it needs.
  if (text.trim() === '') return { doc: null, error: null };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { doc: null, error: withLine(err instanceof Error ? err.message : String(err), text) };
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate) {
    return {
      doc: null,
      error:
        `duplicate key "${duplicate.key}" at ${duplicate.pointer} (line ${duplicate.line}, column ${duplicate.column}): ` +
        'a JSON object may name each key once, and which of the two was meant cannot be known; merge the two into one',
    };
  }
  return { doc, error: null };
}
