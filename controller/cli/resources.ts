// Opening what commands need, from the global options, in one place.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { buildConfigSet, type ConfigSet } from '../core/config/config-set.js';
import { ClassctlError } from '../core/errors.js';
import { loadConfigDocumentsFromDir } from '../sources/files.js';
import { DEFAULT_EMBEDDED_DATA_DIR, type Database } from '../store/database.js';
import { openCommandDatabase } from '../store/with-database.js';
import type { GlobalOptions } from './context.js';
import { parseInstantOption } from './option-values.js';
import { allProblems } from '../core/plan.js';
import type { Logger } from '../runtime/logger.js';
import type { ReconcileResult } from '../runtime/reconcile.js';
import type { ConfigResource } from '../sources/kubernetes.js';

export const EMBEDDED_DATA_DIR = DEFAULT_EMBEDDED_DATA_DIR;

/**
 * The database of --database / DATABASE_URL (else the embedded one), opened
 * and schema-checked the one way every command uses (openCommandDatabase):
 * a failure says what to do (run `classctl migrate`, check the URL or server).
 */
export async function openDatabaseFor(g: GlobalOptions): Promise<Database> {
  return openCommandDatabase(g.database ? { url: g.database } : { dataDir: EMBEDDED_DATA_DIR });
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
 * where they change), and a run that did not succeed becomes a Warning Event
 * on the SchedulingConfig resources it is about. Nothing to do for files. Never fails the run.
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
  if (result.outcome !== 'succeeded') {
    const { eventTargets, recordRunEvents } = await import('../runtime/notifications/kubernetes-events.js');
    const message = result.refusal?.message ?? (result.failedBranches.length > 0 ? result.failedBranches.map((f) => `${f.branchId}: ${f.error}`).join('; ') : `the run ended ${result.outcome}; see classctl runs and the log`);
    const targets = eventTargets(result.outcome, resources, config.documents, [...config.problems, ...allProblems(result.plan)]);
    const events = await recordRunEvents({ runId: result.runId, outcome: result.outcome, message, atMs: clock() }, targets, { namespace: g.namespace });
    for (const error of events.errors) logger.warn({ err: error }, 'Could not create a Kubernetes Event of this run (check that the Role may create events); the run itself is unaffected.');
  }
}

/**
 * `--out FILE` is checked before the run, so a typo in its directory is a
 * usage error (exit 2) before anything is planned or written, not a failure
 * after an apply.
 */
export async function checkOutFile(file: string): Promise<void> {
  const dir = dirname(resolve(file));
  const refuse = (why: string): never => {
    throw new ClassctlError('USAGE', `--out "${file}": ${why}. Nothing was planned or written.`, { key: 'out' });
  };
  const info = await stat(dir).catch(() => null);
  if (info === null) return refuse(`the directory ${dir} does not exist; create it or save the plan elsewhere`);
  if (!info.isDirectory()) refuse(`${dir} is not a directory; save the plan elsewhere`);
  if ((await stat(file).catch(() => null))?.isDirectory()) refuse('it is a directory; name a file in it, such as plan.json');
  await access(dir, constants.W_OK).catch(() => refuse(`the directory ${dir} is not writable by this user; save the plan elsewhere`));
}

/** `--now ISO`: an instant with an explicit offset or Z, so a run is never ambiguous, in the years 1900–9999; absent: the clock. */
export function parseNow(value: string | undefined, clock: () => number = Date.now): number {
  return value === undefined ? clock() : parseInstantOption('--now', value);
}
