// Watches the config directory (`--config DIR`) and calls back once a burst
// of changes has settled. Editors save through temporary files and renames,
// and a Kubernetes ConfigMap update swaps its `..data` link: each is several
// events for one change, so events are debounced, and every event in the
// directory counts (the `..data` swap is the only sign of a ConfigMap update).
import { watch, type FSWatcher } from 'node:fs';
import type { LoopTimers } from './controller-loop.js';
import { realTimers } from './controller-loop.js';
import type { Logger } from './logger.js';

/** Long enough to cover an editor's write-rename-chmod sequence, short enough to feel immediate. */
export const DEFAULT_CONFIG_DEBOUNCE_MS = 300;

export interface ConfigWatch {
  close(): void;
}

export interface ConfigWatchOptions {
  dir: string;
  onChange: () => void;
  logger: Logger;
  debounceMs?: number;
  timers?: LoopTimers;
}

/**
 * Starts watching; returns null (after a warning) when the directory cannot be
 * watched, since the interval run still picks changes up, only later.
 */
export function watchConfigDir(opts: ConfigWatchOptions): ConfigWatch | null {
  const timers = opts.timers ?? realTimers;
  const debounceMs = opts.debounceMs ?? DEFAULT_CONFIG_DEBOUNCE_MS;
  let pendingTimer: unknown = null;
  let closed = false;
  let watcher: FSWatcher;

  const fire = () => {
    pendingTimer = null;
    if (closed) return;
    opts.logger.info({ dir: opts.dir }, 'Config directory changed; reconciling.');
    opts.onChange();
  };

  try {
    watcher = watch(opts.dir, { persistent: false }, () => {
      if (closed) return;
      if (pendingTimer !== null) timers.clearTimeout(pendingTimer);
      pendingTimer = timers.setTimeout(fire, debounceMs);
    });
  } catch (err) {
    opts.logger.warn(
      { dir: opts.dir, code: (err as NodeJS.ErrnoException).code },
      'Cannot watch the config directory; changes to it are picked up by the interval run only. Check that --config names an existing directory.',
    );
    return null;
  }
  watcher.on('error', (err) => {
    opts.logger.warn({ dir: opts.dir, code: (err as NodeJS.ErrnoException).code }, 'Stopped watching the config directory (it was removed or became unreadable); changes are picked up by the interval run only.');
    watcher.close();
  });

  return {
    close() {
      closed = true;
      if (pendingTimer !== null) timers.clearTimeout(pendingTimer);
      pendingTimer = null;
      watcher.close();
    },
  };
}
