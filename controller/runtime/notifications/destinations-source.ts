// The destinations a process delivers to: the NotificationDestination
// documents of its config source, with their credentials read. Problems are
// logged like config problems (document, pointer, what to do); they never
// stop the run or the other destinations.
import type { Logger } from '../logger.js';
import type { Destination } from '../../core/notifications/destination.js';
import type { Problem } from '../../core/errors.js';
import { resolveDestinations, type ResolvedDestination, type SecretReader } from './resolve-destinations.js';

export interface DestinationSource {
  configSource: 'files' | 'kubernetes';
  configDir: string;
  namespace?: string;
  env: Record<string, string | undefined>;
}

/**
 * A loader for a long-running process: it reads the destinations on every
 * call (a document edited or a secret rotated takes effect at the next pass)
 * but logs their problems only when they change, not on every pass.
 */
export function destinationLoader(src: DestinationSource, log: Logger): () => Promise<ResolvedDestination[]> {
  let last = '';
  return async () => {
    const seen: Problem[] = [];
    const destinations = await loadDestinations(src, log, (p) => seen.push(p));
    const key = JSON.stringify(seen);
    if (key !== last) for (const p of seen) logProblem(log, p);
    last = key;
    return destinations;
  };
}

export async function loadDestinations(src: DestinationSource, log: Logger, report: (p: Problem) => void = (p) => logProblem(log, p)): Promise<ResolvedDestination[]> {
  let documents: { destinations: Destination[]; problems: Problem[] };
  let readSecret: SecretReader | undefined;
  if (src.configSource === 'kubernetes') {
    const k8s = await import('../../sources/kubernetes-destinations.js');
    documents = await k8s.loadDestinationsFromKubernetes({ namespace: src.namespace });
    readSecret = k8s.secretReader({ namespace: src.namespace });
  } else {
    const { loadDestinationsFromDir } = await import('../../sources/notification-destinations.js');
    documents = await loadDestinationsFromDir(src.configDir);
  }
  const resolved = await resolveDestinations(documents.destinations, { env: src.env, readSecret });
  for (const p of [...documents.problems, ...resolved.problems]) report(p);
  return resolved.destinations;
}

function logProblem(log: Logger, p: Problem): void {
  log.warn({ code: p.code, document: p.document, origin: p.origin, pointer: p.pointer }, p.message);
}
