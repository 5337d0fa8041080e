// In the cluster, a run that failed or was refused, or found the
// configuration invalid, is also a Kubernetes Event (type Warning) on the
// SchedulingConfig resources it is about, so `kubectl describe
// schedulingconfig NAME` shows it beside the document an admin edits: an
// invalid configuration on each resource with an error, any other outcome on
// the namespace's base SchedulingConfig. Best effort: the outbox
// notifications and the exit code remain the record.
import { hostname } from 'node:os';
import { CoreV1Api, type CoreV1Event, type V1ObjectReference } from '@kubernetes/client-node';
import type { Problem } from '../../core/errors.js';
import type { ConfigScope } from '../../core/types.js';
import { kubernetesTarget, SCHEDULING_GROUP, SCHEDULING_VERSION, type KubernetesSourceOptions } from '../../sources/kubernetes-api.js';
import type { ConfigResource } from '../../sources/kubernetes.js';
import type { RunOutcome } from '../reconcile.js';

export interface RunEventFacts {
  runId: string | null;
  outcome: RunOutcome;
  /** What went wrong, as the run reported it. */
  message: string;
  /** The run's time (clock ms). */
  atMs: number;
}

/** A SchedulingConfig resource an Event is about, and what to say on it when it is more precise than the run's message. */
export interface EventTarget {
  name: string;
  namespace: string;
  uid?: string;
  message?: string;
}

/** Kubernetes caps an Event's message at 1 KiB in practice; longer ones are cut, the full text is in the log. */
const MAX_MESSAGE = 1024;

/**
 * The resources a run outcome is about. An invalid configuration: each
 * resource with an error of its own, with those errors. Otherwise (or when
 * no resource has one, such as a missing base): the base SchedulingConfig;
 * with no base, every listed resource, since the run reconciled none of them.
 */
export function eventTargets(outcome: RunOutcome, resources: readonly ConfigResource[], documents: ReadonlyArray<{ name: string; scope: ConfigScope }>, problems: readonly Problem[]): EventTarget[] {
  if (outcome === 'succeeded' || outcome === 'awaiting-approval') return [];
  const ref = (r: ConfigResource, message?: string): EventTarget => ({ name: r.name, namespace: r.namespace, ...(r.uid ? { uid: r.uid } : {}), ...(message ? { message } : {}) });
  if (outcome === 'invalid-config') {
    const withErrors = resources.flatMap((r) => {
      const own = problems.filter((p) => p.severity === 'error' && p.code.startsWith('CONFIG_') && p.document === r.name && (p.origin === undefined || p.origin === `kubernetes:${r.namespace}/${r.name}`));
      return own.length === 0 ? [] : [ref(r, `The configuration is invalid: ${[...new Set(own.map((p) => `at ${p.pointer || '/'}: ${p.message}`))].join(' ')}`)];
    });
    if (withErrors.length > 0) return withErrors;
  }
  const baseNames = new Set(documents.filter((d) => d.scope.kind === 'base').map((d) => d.name));
  const base = resources.filter((r) => baseNames.has(r.name));
  return (base.length > 0 ? base : resources).map((r) => ref(r));
}

/** The Event of a run outcome on one SchedulingConfig resource, or null when there is nothing to report (a success). */
export function runOutcomeEvent(facts: RunEventFacts, target: EventTarget, reportingInstance: string): CoreV1Event | null {
  if (facts.outcome === 'succeeded' || facts.outcome === 'awaiting-approval') return null;
  const involvedObject: V1ObjectReference = { apiVersion: `${SCHEDULING_GROUP}/${SCHEDULING_VERSION}`, kind: 'SchedulingConfig', name: target.name, namespace: target.namespace, ...(target.uid ? { uid: target.uid } : {}) };
  return outcomeEvent(facts, involvedObject, target.message, reportingInstance);
}

/** With no SchedulingConfig resource at all, the controller's pod is the only object left to carry the Event. */
function podEvent(facts: RunEventFacts, namespace: string, podName: string): CoreV1Event | null {
  if (facts.outcome === 'succeeded' || facts.outcome === 'awaiting-approval') return null;
  return outcomeEvent(facts, { apiVersion: 'v1', kind: 'Pod', name: podName, namespace }, undefined, podName);
}

function outcomeEvent(facts: RunEventFacts, involvedObject: V1ObjectReference, detail: string | undefined, reportingInstance: string): CoreV1Event {
  const reason = facts.outcome === 'refused' ? 'RunRefused' : facts.outcome === 'invalid-config' ? 'ConfigInvalid' : 'RunFailed';
  const at = new Date(facts.atMs);
  const message = `${facts.runId ? `Run ${facts.runId}: ` : ''}${detail ?? facts.message}`;
  return {
    // `NAME.` + a random suffix, the convention of Events: `kubectl get events` lists them by object.
    metadata: { generateName: `${involvedObject.name}.`, namespace: involvedObject.namespace },
    involvedObject,
    type: 'Warning',
    reason,
    message: message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE - 1) + '…' : message,
    source: { component: 'classctl' },
    reportingComponent: 'classctl.dev/controller',
    reportingInstance,
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  };
}

/**
 * Creates one Event per target (on the pod when there is none); reports
 * (does not throw) what the API refused or when it cannot be reached.
 */
export async function recordRunEvents(facts: RunEventFacts, targets: readonly EventTarget[], opts: KubernetesSourceOptions & { podName?: string }): Promise<{ created: number; errors: string[] }> {
  const out = { created: 0, errors: [] as string[] };
  if (facts.outcome === 'succeeded' || facts.outcome === 'awaiting-approval') return out;
  try {
    const target = kubernetesTarget(opts);
    // In a pod, HOSTNAME is the pod's name (or POD_NAME from the downward API).
    const podName = opts.podName ?? process.env.POD_NAME ?? hostname();
    const events = targets.length > 0 ? targets.map((t) => runOutcomeEvent(facts, t, podName)) : [podEvent(facts, target.namespace, podName)];
    const api = target.kubeConfig.makeApiClient(CoreV1Api);
    for (const event of events) {
      if (!event) continue;
      try {
        await api.createNamespacedEvent({ namespace: event.involvedObject.namespace ?? target.namespace, body: event });
        out.created++;
      } catch (err) {
        out.errors.push(`${event.involvedObject.kind} ${event.involvedObject.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } catch (err) {
    out.errors.push(err instanceof Error ? err.message : String(err));
  }
  return out;
}
