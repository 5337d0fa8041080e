// NotificationDestination documents from the config directory: the same
// files as the SchedulingConfigs (which skip them), read for this kind only.
// A file that cannot be read or parsed is reported by the scheduling
// configuration already; here it simply contributes no destination.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isDestinationDocument, parseDestinationDocument, refuseDuplicateNames, type Destination } from '../core/notifications/destination.js';
import type { Problem } from '../core/errors.js';
import { parseYamlDocuments } from './yaml-documents.js';

const CONFIG_FILE = /\.(ya?ml|json)$/i;

export async function loadDestinationsFromDir(dir: string): Promise<{ destinations: Destination[]; problems: Problem[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.') && CONFIG_FILE.test(n)).sort();
  } catch {
    return { destinations: [], problems: [] };
  }
  const found: Destination[] = [];
  const problems: Problem[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let text: string;
    try {
      if (!(await stat(path)).isFile()) continue;
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    for (const [index, raw] of rawDocuments(text, path).entries()) {
      if (!isDestinationDocument(raw)) continue;
      const parsed = parseDestinationDocument(raw, path, index);
      if (parsed.destination) found.push(parsed.destination);
      problems.push(...parsed.problems);
    }
  }
  const checked = refuseDuplicateNames(found);
  return { destinations: checked.destinations, problems: [...problems, ...checked.problems] };
}

/** The file's documents as plain values; none when it does not parse. */
function rawDocuments(text: string, path: string): unknown[] {
  try {
    if (path.toLowerCase().endsWith('.json')) return [JSON.parse(text)];
    const docs = parseYamlDocuments(text);
    if (docs.some((d) => d.errors.length > 0)) return [];
    return docs.map((d) => d.toJS());
  } catch {
    return [];
  }
}
