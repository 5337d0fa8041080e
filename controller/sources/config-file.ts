// The text of one config file into raw documents: YAML (several per file,
// separated by `---`) or JSON (one per file). Pure, so it is tested without files.
import { parseConfigDocument } from '../core/config/parse-document.js';
import { isDestinationDocument } from '../core/notifications/destination.js';
import type { Problem } from '../core/errors.js';
import type { ConfigDocument } from '../core/types.js';
import { findDuplicateJsonKey } from './json-duplicate-keys.js';
import { parseYamlDocuments } from './yaml-documents.js';
import { withLine } from './json-position.js';

export interface ParsedFile {
  documents: ConfigDocument[];
  problems: Problem[];
}

// Why a syntax error blocks everything: the broken file may hold the only
// document of some branch, or the base, and nobody can tell which scopes it
// meant to change. Reconciling without it could delete sessions its rules keep.
const BLOCKS_ALL = 'Until it parses, nothing is reconciled: which scopes its documents configure cannot be known.';

export function parseConfigFile(text: string, origin: string): ParsedFile {
  return origin.toLowerCase().endsWith('.json') ? parseJsonFile(text, origin) : parseYamlFile(text, origin);
}

function parseYamlFile(text: string, origin: string): ParsedFile {
  const list = parseYamlDocuments(text);
  const syntax = list.flatMap((d) => d.errors);
  if (syntax.length > 0) {
    return {
      documents: [],
      problems: syntax.map((e) => unparsable(origin, `YAML syntax error: ${firstLine(e.message)}. ${BLOCKS_ALL}`)),
    };
  }
  const out: ParsedFile = { documents: [], problems: [] };
  list.forEach((d, index) => {
    let raw: unknown;
    try {
      raw = d.toJS();
    } catch (err) {
      // e.g. an alias bomb (too many alias expansions)
      out.problems.push(unparsable(origin, `Document #${index + 1} cannot be read: ${err instanceof Error ? err.message : String(err)}. ${BLOCKS_ALL}`));
      return;
    }
    if (raw === null || raw === undefined) return; // an empty document: a trailing `---` or only comments
    if (isDestinationDocument(raw)) return; // read by the notifications (sources/notification-destinations.ts)
    add(out, parseConfigDocument(raw, origin, index));
  });
  return out;
}

function parseJsonFile(text: string, origin: string): ParsedFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { documents: [], problems: [unparsable(origin, `JSON syntax error: ${withLine(message, text)}. ${BLOCKS_ALL}`)] };
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate) {
    const problem = unparsable(
      origin,
      `Duplicate key "${duplicate.key}" at ${duplicate.pointer} (line ${duplicate.line}, column ${duplicate.column}): ` +
        `a JSON object may name each key once, and which of the two was meant cannot be known. Merge the two into one. ${BLOCKS_ALL}`,
    );
    return { documents: [], problems: [{ ...problem, pointer: duplicate.pointer }] };
  }
  const out: ParsedFile = { documents: [], problems: [] };
  if (isDestinationDocument(raw)) return out;
  add(out, parseConfigDocument(raw, origin));
  return out;
}

function add(out: ParsedFile, parsed: { document?: ConfigDocument; problems: Problem[] }): void {
  if (parsed.document) out.documents.push(parsed.document);
  out.problems.push(...parsed.problems);
}

function unparsable(origin: string, message: string): Problem {
  return { code: 'CONFIG_UNPARSABLE', scope: 'all', origin, pointer: '', severity: 'error', message };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/[:.]\s*$/, '');
}
