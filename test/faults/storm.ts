// A connection storm: a separate postgres.js connection terminates every
// backend of the controller (application_name classctl/…) in one database
// every `everyMs`, for as long as it runs. The storm is the fault under
// test, not a synchronisation: tests wait on process exits and journal rows.
import postgres from 'postgres';

export interface Storm {
  /** Stops the storm; resolves with how many backends it terminated. */
  stop(): Promise<number>;
}

export function startStorm(url: string, everyMs = 100): Storm {
  const admin = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'classctl-test-storm' } });
  let killed = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const rows = await admin.unsafe(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE application_name LIKE 'classctl/%' AND datname = current_database() AND pid <> pg_backend_pid()`,
      );
      killed += rows.filter((r) => r.ok === true).length;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await admin.end({ timeout: 1 });
      return killed;
    },
  };
}

/** Signs that a process died of an error instead of reporting it: Node's crash output or a raw stack. */
export const CRASH_SIGNS = /Unhandled|triggerUncaughtException|node:internal|\n\s+at [^\n]*\(?[/\w.-]+:\d+:\d+\)?/;
