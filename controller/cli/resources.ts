// Opening what commands need, from the global options, in one place.
import { buildConfigSet, type ConfigSet } from '../core/config/config-set.js';
import { ClassctlError } from '../core/errors.js';
import { loadConfigDocumentsFromDir } from '../sources/files.js';
import { openDatabase, type Database } from '../store/database.js';
import type { GlobalOptions } from './context.js';

export const EMBEDDED_DATA_DIR = './.classctl/pgdata';

export async function openDatabaseFor(g: GlobalOptions): Promise<Database> {
  return g.database ? openDatabase({ url: g.database }) : openDatabase({ dataDir: EMBEDDED_DATA_DIR });
}

export async function loadConfigSet(g: GlobalOptions): Promise<ConfigSet> {
  if (g.configSource === 'kubernetes') {
    // Imported on demand: the Kubernetes client takes about a second to load, which every other command would pay.
    const { loadConfigDocumentsFromKubernetes } = await import('../sources/kubernetes.js');
    const { documents, problems } = await loadConfigDocumentsFromKubernetes({ namespace: g.namespace });
    return buildConfigSet(documents, problems);
  }
  const { documents, problems } = await loadConfigDocumentsFromDir(g.config);
  return buildConfigSet(documents, problems);
}

/** `--now ISO`: an instant with an explicit offset or Z, so a run is never ambiguous. */
export function parseNow(value: string | undefined, clock: () => number = Date.now): number {
  if (value === undefined) return clock();
  const ms = Date.parse(value);
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(value) || Number.isNaN(ms)) {
    throw new ClassctlError('USAGE', `--now "${value}" is not an ISO instant with a zone, e.g. 2026-11-25T09:00:00Z.`, { key: 'now' });
  }
  return ms;
}
