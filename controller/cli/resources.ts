// Opening what commands need, from the global options, in one place.
import { buildConfigSet, type ConfigSet } from '../core/config/config-set.js';
import { ClassctlError } from '../core/errors.js';
import { loadConfigDocumentsFromDir } from '../sources/files.js';
import { openDatabase, type Database } from '../store/database.js';
import type { GlobalOptions } from './context.js';
import { allProblems } from '../core/plan.js';
import type { Logger } from '../runtime/logger.js';
import type { ReconcileResult } from '../runtime/reconcile.js';
import type { ConfigResource } from '../sources/kubernetes.js';

export const EMBEDDED_DATA_DIR = './.classctl/pgdata';

export async function openDatabaseFor(g: GlobalOptions): Promise<Database> {
  return g.database ? openDatabase({ url: g.database }) : openDatabase({ dataDir: EMBEDDED_DATA_DIR });
}

export async function loadConfigSet(g: GlobalOptions): Promise<ConfigSet> {
  if (g.configSource === 'kubernetes') {
    // Imported on demand: the Kubernetes client takes about a second to load, which every other command would pay.
    const { loadConfigDocumentsFromKubernetes } = await import('../sources/kubernetes.js');
    const { documents, problems, resources } = await loadConfigDocumentsFromKubernetes({ namespace: g.namespace });
    const config = buildConfigSet(documents, problems);
    kubernetesResources.set(config, resources);
    return config;
  }
  const { documents, problems } = await loadConfigDocumentsFromDir(g.config);
  return buildConfigSet(documents, problems);
}

/** The custom resources a ConfigSet was built from, so a run can write their status conditions. */
const kubernetesResources = new WeakMap<ConfigSet, ConfigResource[]>();

/**
 * After an apply run: with custom resources as the config source, write each
 * document's Valid/Applied conditions through the status subresource (only
 * where they change). Nothing to do for files. Never fails the run.
 */
export async function reportRunToConfigSource(g: GlobalOptions, config: ConfigSet, result: ReconcileResult, logger: Logger, clock: () => number = Date.now): Promise<void> {
  const resources = kubernetesResources.get(config);
  if (!resources) return;
  const { writeConfigStatuses } = await import('../runtime/config-status.js');
  try {
    const written = await writeConfigStatuses({
      namespace: g.namespace,
      resources,
      config,
      run: { runId: result.runId, outcome: result.outcome, nowIso: new Date(clock()).toISOString(), problems: allProblems(result.plan) },
    });
    for (const f of written.failed) logger.warn({ document: f.name }, `Could not write the status of SchedulingConfig "${f.name}": ${f.message}`);
    if (written.patched.length > 0) logger.info({ documents: written.patched }, 'Status conditions of SchedulingConfig resources updated.');
  } catch (err) {
    logger.warn({ err }, 'Could not write SchedulingConfig status conditions; the run itself is unaffected.');
  }
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
