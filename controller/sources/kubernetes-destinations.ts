// NotificationDestination custom resources, and the Secrets their
// credentials name, from the controller's namespace. A list that fails is
// logged by the caller as no destinations: notifications wait in the outbox.
import { CoreV1Api } from '@kubernetes/client-node';
import { parseDestinationDocument, refuseDuplicateNames, type Destination } from '../core/notifications/destination.js';
import type { Problem } from '../core/errors.js';
import { apiStatusCode, describeApiError, kubernetesTarget, SCHEDULING_GROUP, SCHEDULING_VERSION, type KubernetesSourceOptions } from './kubernetes-api.js';

export const DESTINATION_PLURAL = 'notificationdestinations';

export async function loadDestinationsFromKubernetes(opts: KubernetesSourceOptions): Promise<{ destinations: Destination[]; problems: Problem[] }> {
  const target = kubernetesTarget(opts);
  let items: unknown[];
  try {
    const body = (await target.api.listNamespacedCustomObject({ group: SCHEDULING_GROUP, version: SCHEDULING_VERSION, namespace: target.namespace, plural: DESTINATION_PLURAL })) as { items?: unknown } | null;
    items = Array.isArray(body?.items) ? body.items : [];
  } catch (err) {
    // `helm upgrade` does not install a chart's new CRDs: a cluster without
    // this one has no destinations to send to, which is not a broken configuration.
    if (apiStatusCode(err) === 404) {
      return {
        destinations: [],
        problems: [{ code: 'CONFIG_UNREADABLE', scope: 'notifications', origin: `kubernetes:${target.namespace}`, pointer: '', severity: 'warning', message: `The NotificationDestination resource type is not installed in this cluster, so no notification destinations are configured from Kubernetes. Install it with \`kubectl apply -f crds/\` (helm upgrade does not add new CRDs) to send notifications; until then they wait in the outbox.` }],
      };
    }
    const message = describeApiError(err, `list ${DESTINATION_PLURAL}`, target);
    return { destinations: [], problems: [{ code: 'CONFIG_UNREADABLE', scope: 'notifications', origin: `kubernetes:${target.namespace}`, pointer: '', severity: 'error', message: `${message} No notification is sent until it can be read; they wait in the outbox.` }] };
  }
  const found: Destination[] = [];
  const problems: Problem[] = [];
  for (const raw of items) {
    // The API server adds metadata fields and status; the document schema reads only what it knows.
    const r = raw as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown }; spec?: unknown };
    const parsed = parseDestinationDocument({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.metadata?.name }, spec: r.spec }, `kubernetes:${target.namespace}/${String(r.metadata?.name ?? '')}`);
    if (parsed.destination) found.push(parsed.destination);
    problems.push(...parsed.problems);
  }
  const checked = refuseDuplicateNames(found);
  return { destinations: checked.destinations, problems: [...problems, ...checked.problems] };
}

/** Reads one key of a Secret in the controller's namespace (base64-decoded). */
export function secretReader(opts: KubernetesSourceOptions): (name: string, key: string) => Promise<string | undefined> {
  const target = kubernetesTarget(opts);
  const core = target.kubeConfig.makeApiClient(CoreV1Api);
  return async (name, key) => {
    const secret = await core.readNamespacedSecret({ name, namespace: target.namespace });
    const value = secret.data?.[key];
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
  };
}
