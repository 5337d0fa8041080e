// What the Kubernetes config source and the status writer share: where the
// SchedulingConfig resources live (group, version, plural, namespace), the
// client, and errors of the API turned into sentences that say what to check.
import { readFileSync } from 'node:fs';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { ClassctlError } from '../core/errors.js';

export const SCHEDULING_GROUP = 'scheduling.classctl.dev';
export const SCHEDULING_VERSION = 'v1';
export const SCHEDULING_PLURAL = 'schedulingconfigs';
/** `schedulingconfigs.scheduling.classctl.dev`, as RBAC rules and `kubectl` name it. */
export const SCHEDULING_RESOURCE = `${SCHEDULING_PLURAL}.${SCHEDULING_GROUP}`;
export const CRD_FILE = 'crds/scheduling.classctl.dev_schedulingconfigs.yaml';

/** Where a pod's service-account token mount says which namespace the pod runs in. */
export const IN_CLUSTER_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export interface KubernetesSourceOptions {
  /** Namespace of the SchedulingConfig resources (`--namespace`). */
  namespace?: string;
  /** Tests pass one pointing at the fake API server; otherwise loaded from the default places. */
  kubeConfig?: KubeConfig;
}

export interface KubernetesTarget {
  kubeConfig: KubeConfig;
  namespace: string;
  api: CustomObjectsApi;
}

/**
 * The client and the namespace. The default KubeConfig is what kubectl would
 * use ($KUBECONFIG, ~/.kube/config), else the pod's service account. The
 * namespace: --namespace; else, for the default config, the pod's own
 * namespace; else the current context's; else `default`. A KubeConfig passed
 * in is trusted as is, so its context decides and no file is consulted.
 * Throws CONFIG_UNREADABLE when the default configuration cannot be loaded.
 */
export function kubernetesTarget(opts: KubernetesSourceOptions, readNamespaceFile: () => string | undefined = inClusterNamespace): KubernetesTarget {
  let kubeConfig = opts.kubeConfig;
  let podNamespace: string | undefined;
  if (!kubeConfig) {
    kubeConfig = new KubeConfig();
    try {
      kubeConfig.loadFromDefault();
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
      throw new ClassctlError(
        'CONFIG_UNREADABLE',
        `Cannot load the Kubernetes client configuration (${reason}). Check KUBECONFIG (now ${process.env.KUBECONFIG ? `"${process.env.KUBECONFIG}"` : 'unset'}) and ~/.kube/config, or run in a pod with a service account.`,
        { key: 'kubeconfig', cause: err },
      );
    }
    podNamespace = readNamespaceFile();
  }
  const contextNamespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
  const namespace = nonEmpty(opts.namespace) ?? nonEmpty(podNamespace) ?? nonEmpty(contextNamespace) ?? 'default';
  return { kubeConfig, namespace, api: kubeConfig.makeApiClient(CustomObjectsApi) };
}

function inClusterNamespace(): string | undefined {
  try {
    return readFileSync(IN_CLUSTER_NAMESPACE_FILE, 'utf8').trim();
  } catch {
    return undefined; // not in a pod, or the token is not mounted
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

/** `/apis/scheduling.classctl.dev/v1/namespaces/NS/schedulingconfigs`, the path the watch follows. */
export function collectionPath(namespace: string): string {
  return `/apis/${SCHEDULING_GROUP}/${SCHEDULING_VERSION}/namespaces/${encodeURIComponent(namespace)}/${SCHEDULING_PLURAL}`;
}

/** The fields of a listed SchedulingConfig the source reads. */
export interface ListedResource {
  raw: Record<string, unknown>;
  name: string;
  namespace: string;
  generation: number;
  /** metadata.uid, when the server gave one: an Event's involvedObject names the exact object with it. */
  uid?: string;
  status?: unknown;
}

export interface ResourceList {
  items: ListedResource[];
  /** The list's resourceVersion: a watch started from it sees every change after the list. */
  resourceVersion?: string;
}

export async function listSchedulingConfigs(target: KubernetesTarget): Promise<ResourceList> {
  const body = (await target.api.listNamespacedCustomObject({
    group: SCHEDULING_GROUP,
    version: SCHEDULING_VERSION,
    namespace: target.namespace,
    plural: SCHEDULING_PLURAL,
  })) as { items?: unknown; metadata?: { resourceVersion?: unknown } } | null;
  const items = Array.isArray(body?.items) ? (body.items as unknown[]) : [];
  const resourceVersion = body?.metadata?.resourceVersion;
  return {
    items: items.filter(isObject).map((raw) => describeResource(raw, target.namespace)),
    resourceVersion: typeof resourceVersion === 'string' && resourceVersion !== '' ? resourceVersion : undefined,
  };
}

export function describeResource(raw: Record<string, unknown>, namespace: string): ListedResource {
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  const generation = typeof metadata.generation === 'number' ? metadata.generation : 0;
  const resource: ListedResource = {
    raw,
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace: typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : namespace,
    generation,
  };
  if (typeof metadata.uid === 'string' && metadata.uid !== '') resource.uid = metadata.uid;
  if (raw.status !== undefined) resource.status = raw.status;
  return resource;
}

/** The HTTP status of a failed API call, when the server answered. */
export function apiStatusCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown } | null;
  if (typeof e?.code === 'number') return e.code; // ApiException of the generated client
  if (typeof e?.statusCode === 'number') return e.statusCode; // Watch
  return undefined;
}

/**
 * One sentence on a failed call: what failed, why (the API server's own Status
 * message when it sent one) and what to check for the usual causes.
 */
export function describeApiError(err: unknown, what: string, target: Pick<KubernetesTarget, 'namespace' | 'kubeConfig'>): string {
  const ns = target.namespace;
  const code = apiStatusCode(err);
  const said = serverMessage(err);
  const detail = said ? `: ${said}` : '';
  switch (code) {
    case 401:
      return `Cannot ${what} in namespace "${ns}" (HTTP 401 Unauthorized${detail}). The credentials were refused: check the kubeconfig user, or the pod's service-account token.`;
    case 403:
      return (
        `Cannot ${what} in namespace "${ns}" (HTTP 403 Forbidden${detail}). Check RBAC: the service account or kubeconfig user needs get, list and watch on ` +
        `${SCHEDULING_RESOURCE} and patch on ${SCHEDULING_PLURAL}/status in "${ns}" (the Helm chart's Role grants exactly these), or pass --namespace naming the namespace it may read.`
      );
    case 404:
      return (
        `Cannot ${what} in namespace "${ns}" (HTTP 404 Not Found${detail}). Check that the SchedulingConfig CRD is installed ` +
        `(kubectl get crd ${SCHEDULING_RESOURCE}; install it with kubectl apply --server-side -f ${CRD_FILE}) and that the namespace exists.`
      );
    default:
      if (code !== undefined) return `Cannot ${what} in namespace "${ns}" (HTTP ${code}${detail}). Check the API server's health and the controller's RBAC, then run again.`;
  }
  const server = target.kubeConfig.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)';
  return (
    `Cannot ${what} in namespace "${ns}": the Kubernetes API server at ${server} did not answer (${networkReason(err)}). ` +
    'Check the kubeconfig (KUBECONFIG, ~/.kube/config, its current context) or, in a pod, the KUBERNETES_SERVICE_HOST/PORT variables and network policies.'
  );
}

/** `message` of the Status object the API server sends with an error, if any. */
function serverMessage(err: unknown): string | undefined {
  const body = (err as { body?: unknown } | null)?.body;
  let status: unknown = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return body.trim() !== '' ? body.trim().slice(0, 300) : undefined;
    }
  }
  const message = isObject(status) ? status.message : undefined;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

function networkReason(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return err instanceof Error ? err.message : String(err);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
