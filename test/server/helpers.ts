// Shared pieces of the server tests: an embedded database with one branch and
// one series, a built app with recorded triggers, hand-fired timers, promtool.
import { spawnSync } from 'node:child_process';
import type { Test } from 'tap';
import type { ConfigSet } from '../../controller/core/config/config-set.js';
import type { LoopTimers } from '../../controller/runtime/controller-loop.js';
import { createMetrics, type ControllerMetrics } from '../../controller/runtime/metrics.js';
import { buildApp, type AppDeps } from '../../controller/server/app.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { openMigratedPglite } from '../helpers/backends.js';
import { baseConfig } from '../helpers/fixtures.js';

/** Wednesday 2026-11-25, 10:00 in New York (15:00 UTC): today's 09:00 class has started. */
export const NOW = Date.parse('2026-11-25T15:00:00Z');

export const DEMO_INPUTS = {
  branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
  series: [
    { id: 'ny-yoga', branchId: 'ny', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', startDate: '2026-11-01', endDate: null, startTime: '09:00', durationMinutes: 60, capacity: 12, instructorId: 'ana', roomId: 'studio-a', exdates: [] },
  ],
};

/** Mon/Wed/Fri after 2026-11-25 10:00 NY up to 2026-12-09 (horizon 14 days): 27, 30, 2, 4, 7, 9. */
export const DEMO_SESSIONS_AT_NOW = 6;

export async function embeddedDatabase(t: Test, opts: { withInputs?: boolean } = {}): Promise<Database> {
  const db = await openMigratedPglite(t);
  if (opts.withInputs !== false) {
    const r = await loadInputs(db, DEMO_INPUTS);
    if (r.problems.length) throw new Error(JSON.stringify(r.problems));
  }
  return db;
}

export interface TestApp {
  app: Awaited<ReturnType<typeof buildApp>>;
  triggers: string[];
  metrics: ControllerMetrics;
}

/** The app with injected deps; `trigger` records its reasons and accepts unless told otherwise. */
export async function testApp(t: Test, db: Database, deps: Partial<AppDeps> & { config?: ConfigSet; accepting?: boolean } = {}): Promise<TestApp> {
  const { config = baseConfig(), accepting = true, ...rest } = deps;
  const triggers: string[] = [];
  const metrics = createMetrics({ version: '9.9.9-test', nodeVersion: 'v20.0.0' });
  const app = await buildApp({
    db,
    loadConfig: async () => config,
    clock: () => NOW,
    trigger: (reason) => {
      if (!accepting) return false;
      triggers.push(reason);
      return true;
    },
    registry: metrics.registry,
    ...rest,
  });
  t.teardown(() => app.close());
  return { app, triggers, metrics };
}

export interface FakeTimer {
  fn: () => void;
  ms: number;
  cleared: boolean;
  fired: boolean;
}

/** Timers fired by the test: the delays are recorded, nothing sleeps. */
export class FakeTimers implements LoopTimers {
  readonly all: FakeTimer[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    const timer: FakeTimer = { fn, ms, cleared: false, fired: false };
    this.all.push(timer);
    return timer;
  }
  clearTimeout(handle: unknown): void {
    if (handle) (handle as FakeTimer).cleared = true;
  }
  /** Timers set and neither cleared nor fired. */
  pending(): FakeTimer[] {
    return this.all.filter((x) => !x.cleared && !x.fired);
  }
  fire(timer: FakeTimer): void {
    if (timer.cleared || timer.fired) throw new Error('firing a timer that is no longer pending');
    timer.fired = true;
    timer.fn();
  }
}

/** Lets pending promise callbacks run (a few macrotask turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/** `promtool check metrics` on a scrape: its exit status and what it printed. */
export function promtoolCheck(text: string): { status: number | null; output: string; missing: boolean } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}`, missing };
}

/** The value of one sample in Prometheus text, by its exact series (`name{labels}`), or undefined. */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    if (line.slice(0, i) === series) return Number(line.slice(i + 1));
  }
  return undefined;
}
