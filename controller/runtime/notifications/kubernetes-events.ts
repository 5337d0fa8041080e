// In the cluster, a run that failed or was refused is also a Kubernetes Event
// (type Warning) on the controller's pod, so `kubectl get events` and
// `kubectl describe pod` show it where cluster admins look first. Best effort:
// the outbox notifications and the exit code remain the record.
import { hostname } from 'node:os';
import { CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import { kubernetesTarget, type KubernetesSourceOptions } from '../../sources/kubernetes-api.js';
import type { RunOutcome } from '../reconcile.js';

export interface RunEventFacts {
  runId: string | null;
  outcome: RunOutcome;
  /** What went wrong, as the run reported it. */
  message: string;
  /** The run's time (clock ms). */
  atMs: number;
}

/** Kubernetes caps an Event's message at 1 KiB in practice; longer ones are cut, the full text is in the log. */
const MAX_MESSAGE = 1024;

/** The Event for a run outcome, or null when there is nothing to report (a success). */
export function runOutcomeEvent(facts: RunEventFacts, namespace: string, podName: string): CoreV1Event | null {
  if (facts.outcome === 'succeeded') return null;
  const reason = facts.outcome === 'refused' ? 'RunRefused' : facts.outcome === 'invalid-config' ? 'ConfigInvalid' : 'RunFailed';
  const at = new Date(facts.atMs);
  const message = `${facts.runId ? `Run ${facts.runId}: ` : ''}${facts.message}`;
  return {
    metadata: { generateName: 'classctl-run-', namespace },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: podName, namespace },
    type: 'Warning',
    reason,
    message: message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE - 1) + '…' : message,
    source: { component: 'classctl' },
    reportingComponent: 'classctl.dev/controller',
    reportingInstance: podName,
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  };
}

/** Creates the Event; returns false (and does not throw) when the API refuses or cannot be reached. */
export async function recordRunEvent(facts: RunEventFacts, opts: KubernetesSourceOptions & { podName?: string }): Promise<{ created: boolean; error?: string }> {
  try {
    const target = kubernetesTarget(opts);
    // In a pod, HOSTNAME is the pod's name (or POD_NAME from the downward API).
    const event = runOutcomeEvent(facts, target.namespace, opts.podName ?? process.env.POD_NAME ?? hostname());
    if (!event) return { created: false };
    await target.kubeConfig.makeApiClient(CoreV1Api).createNamespacedEvent({ namespace: target.namespace, body: event });
    return { created: true };
  } catch (err) {
    return { created: false, error: err instanceof Error ? err.message : String(err) };
  }
}
