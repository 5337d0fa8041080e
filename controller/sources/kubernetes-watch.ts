// Watches the SchedulingConfig resources so that `serve` runs as soon as an
// admin edits one. List, then watch from the list's resourceVersion (the
// informer pattern): a restarted watch relists, so a change made while it was
// down is still noticed. The watch is restarted after every error or close with
// a capped exponential backoff, and a periodic resync calls back anyway, in
// case an event was lost in a way nobody saw.
import { Watch } from '@kubernetes/client-node';
import {
  collectionPath,
  describeApiError,
  isObject,
  kubernetesTarget,
  listSchedulingConfigs,
  type KubernetesSourceOptions,
  type KubernetesTarget,
} from './kubernetes-api.js';

/** A full resync every 10 minutes: the interval run in `serve` is usually 5, so this is a safety net, not the main path. */
export const DEFAULT_RESYNC_MS = 10 * 60_000;
/**
 * 1 s, doubling, at most 30 s: an API server that is restarting answers again
 * within seconds, and 30 s keeps a long outage from becoming a busy loop while
 * still noticing recovery soon. The interval run covers the gap meanwhile.
 */
export const DEFAULT_WATCH_BACKOFF = { initialMs: 1_000, maxMs: 30_000 };

export interface WatchTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface WatchConfigOptions extends KubernetesSourceOptions {
  /** A document was added, deleted or its spec changed (or a resync is due). Triggers a run. */
  onChange: () => void;
  /** The watch failed or closed and is restarted after `retryInMs`; for logging. */
  onError?: (err: unknown, retryInMs: number) => void;
  resyncMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Waits before a restart (tests record the delays instead of sleeping). */
  delay?: (ms: number) => Promise<void>;
  /** Runs the periodic resync (tests pass fakes). */
  timers?: WatchTimers;
}

const realTimers: WatchTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

// Unref'd: a pending restart must not keep a stopped process alive.
const realDelay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Why a watch ended: the API server sent an ERROR event (e.g. 410 Gone: the resourceVersion is too old). */
export class WatchStatusError extends Error {
  readonly code: number | undefined;
  constructor(status: unknown) {
    const s = isObject(status) ? status : {};
    super(`The API server ended the watch with an error${typeof s.code === 'number' ? ` (HTTP ${s.code})` : ''}: ${typeof s.message === 'string' ? s.message : 'no message'}.`);
    this.name = 'WatchStatusError';
    this.code = typeof s.code === 'number' ? s.code : undefined;
  }
}

export function watchConfigResources(opts: WatchConfigOptions): { stop(): void } {
  const target = kubernetesTarget(opts);
  const backoff = opts.backoff ?? DEFAULT_WATCH_BACKOFF;
  const delay = opts.delay ?? realDelay;
  const timers = opts.timers ?? realTimers;
  let stopped = false;
  let current: AbortController | null = null;
  /** name → metadata.generation of every resource known, to tell spec changes from status writes. */
  let seen: Map<string, number> | null = null;
  /** Watches that ended since one last delivered an event: the exponent of the backoff. */
  let failures = 0;

  // Callbacks are the caller's code: one that throws must not end the watch.
  const report = (err: unknown, retryInMs: number) => {
    try {
      opts.onError?.(err, retryInMs);
    } catch {
      // nowhere left to report it
    }
  };
  const changed = () => {
    if (stopped) return;
    try {
      opts.onChange();
    } catch (err) {
      report(err, 0);
    }
  };

  const resync = timers.setInterval(changed, opts.resyncMs ?? DEFAULT_RESYNC_MS);

  /** One list and one watch from it; resolves with why the watch ended (null: closed cleanly). */
  const listAndWatch = async (): Promise<unknown> => {
    let listed;
    try {
      listed = await listSchedulingConfigs(target);
    } catch (err) {
      return new Error(describeApiError(err, 'list SchedulingConfig resources to watch them', target), { cause: err });
    }
    const snapshot = new Map(listed.items.map((i) => [i.name, i.generation]));
    // The first list is the state the first run reads anyway; after a restart,
    // a difference is a change the broken watch missed.
    if (seen !== null && !sameGenerations(seen, snapshot)) changed();
    seen = snapshot;
    if (stopped) return null;
    return watchFrom(target, listed.resourceVersion, (type, object) => {
      if (stopped) return;
      failures = 0; // an event, even a bookmark, proves the stream works
      if (onEvent(seen as Map<string, number>, type, object)) changed();
    }, (controller) => {
      current = controller;
      if (stopped) controller.abort();
    });
  };

  const loop = async () => {
    while (!stopped) {
      const why = await listAndWatch();
      current = null;
      if (stopped) return;
      failures++;
      const retryInMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1));
      report(why ?? new Error('The API server closed the watch of SchedulingConfig resources.'), retryInMs);
      await delay(retryInMs);
    }
  };
  loop().catch((err: unknown) => report(err, 0));

  return {
    stop() {
      stopped = true;
      timers.clearInterval(resync);
      current?.abort();
      current = null;
    },
  };
}

/**
 * Applies one watch event to what is known; true when it is a change a run must see.
 * A status write (ours, after every run) is a MODIFIED event with the same
 * metadata.generation: it is not a change, or every run would trigger the next.
 */
function onEvent(seen: Map<string, number>, type: string, object: unknown): boolean {
  if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return false; // BOOKMARK
  const metadata = isObject(object) && isObject(object.metadata) ? object.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  if (type === 'DELETED') {
    seen.delete(name);
    return true;
  }
  const generation = typeof metadata.generation === 'number' ? metadata.generation : 0;
  if (seen.get(name) === generation) return false;
  seen.set(name, generation);
  return true;
}

function sameGenerations(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, generation] of a) if (b.get(name) !== generation) return false;
  return true;
}

/** The client's Watch as a promise of how it ended; an ERROR event ends it too. */
function watchFrom(
  target: KubernetesTarget,
  resourceVersion: string | undefined,
  onEventOf: (type: string, object: unknown) => void,
  started: (controller: AbortController) => void,
): Promise<unknown> {
  return new Promise((resolve) => {
    let ended = false;
    let controller: AbortController | null = null;
    const end = (why: unknown) => {
      if (ended) return;
      ended = true;
      controller?.abort();
      resolve(why);
    };
    new Watch(target.kubeConfig)
      .watch(
        collectionPath(target.namespace),
        { resourceVersion, allowWatchBookmarks: true },
        (type, object) => {
          if (ended) return;
          if (type === 'ERROR') end(new WatchStatusError(object));
          else onEventOf(type, object);
        },
        (err: unknown) => end(err ? new Error(describeApiError(err, 'watch SchedulingConfig resources', target), { cause: err }) : null),
      )
      .then(
        (c) => {
          controller = c;
          if (ended) c.abort();
          else started(c);
        },
        (err: unknown) => end(err),
      );
  });
}
