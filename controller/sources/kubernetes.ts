// Config documents from SchedulingConfig custom resources (`--config-source
// kubernetes`): the same documents as `--config DIR`, read from the API server
// of the cluster the controller runs in (or the kubeconfig's).
import { parseConfigDocument } from '../core/config/parse-document.js';
import { scopeLabel } from '../core/config/scope.js';
import { ClassctlError, type Problem } from '../core/errors.js';
import type { ConfigDocument } from '../core/types.js';
import { describeApiError, kubernetesTarget, listSchedulingConfigs, type KubernetesSourceOptions } from './kubernetes-api.js';

export type { KubernetesSourceOptions } from './kubernetes-api.js';
export { DEFAULT_RESYNC_MS, DEFAULT_WATCH_BACKOFF, watchConfigResources, type WatchConfigOptions, type WatchTimers } from './kubernetes-watch.js';

/** What the status writer needs of each listed resource (every one, valid or not). */
export interface ConfigResource {
  name: string;
  namespace: string;
  /** metadata.generation: becomes status.observedGeneration. */
  generation: number;
  /** metadata.uid, when listed: the involvedObject of the run's Events names it. */
  uid?: string;
  /** The status as listed, so unchanged conditions are not written again. */
  status?: unknown;
}

export interface KubernetesDocuments {
  documents: ConfigDocument[];
  problems: Problem[];
  resources: ConfigResource[];
}

/** `kubernetes:NAMESPACE/NAME`, the origin problems and `explain` show. */
export function resourceOrigin(namespace: string, name: string): string {
  return `kubernetes:${namespace}/${name}`;
}

/**
 * Lists the SchedulingConfig resources of one namespace and parses each like a
 * file document. When the list fails, the answer is one blocking problem
 * (scope `all`): with the documents unknown, no scope may be reconciled, since
 * reconciling without a document that exists could remove what it keeps.
 */
export async function loadConfigDocumentsFromKubernetes(opts: KubernetesSourceOptions): Promise<KubernetesDocuments> {
  const out: KubernetesDocuments = { documents: [], problems: [], resources: [] };
  let target;
  try {
    target = kubernetesTarget(opts);
  } catch (err) {
    if (!(err instanceof ClassctlError)) throw err;
    out.problems.push({ code: 'CONFIG_UNREADABLE', scope: 'all', origin: 'kubeconfig', pointer: '', severity: 'error', message: `${err.message} Nothing is reconciled until the SchedulingConfig resources can be read.` });
    return out;
  }
  let listed;
  try {
    listed = await listSchedulingConfigs(target);
  } catch (err) {
    out.problems.push({
      code: 'CONFIG_UNREADABLE',
      scope: 'all',
      origin: `kubernetes:${target.namespace}`,
      pointer: '',
      severity: 'error',
      message: `${describeApiError(err, 'list SchedulingConfig resources', target)} Nothing is reconciled until they can be read.`,
    });
    return out;
  }
  // Name order, as files are read in name order: problems come out in the same order every run.
  const items = [...listed.items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const item of items) {
    const parsed = parseConfigDocument(item.raw, resourceOrigin(item.namespace, item.name));
    if (parsed.document) out.documents.push(parsed.document);
    out.problems.push(...parsed.problems);
    if (parsed.document?.holidayCalendars) out.problems.push(holidayCalendarsNotRead(parsed.document));
    const resource: ConfigResource = { name: item.name, namespace: item.namespace, generation: item.generation };
    if (item.uid !== undefined) resource.uid = item.uid;
    if (item.status !== undefined) resource.status = item.status;
    out.resources.push(resource);
  }
  return out;
}

/** A custom resource has no config directory to read .ics files from: say so rather than ignore them. */
function holidayCalendarsNotRead(d: ConfigDocument): Problem {
  return {
    code: 'CONFIG_HOLIDAY_CALENDAR',
    scope: scopeLabel(d.scope),
    document: d.name,
    origin: d.origin,
    pointer: '/spec/holidayCalendars',
    severity: 'error',
    message: 'holidayCalendars are read from --config directories only; a SchedulingConfig resource cannot name files. List the holidays under spec.settings.closures instead (ranges "2026-12-24/2026-12-26" are allowed).',
  };
}
