// The five timed scenarios of the reconcile benchmark, run one after
// the other in this process against one database:
//   initial  — the first apply into empty class_sessions
//   noop     — the same `now` again: a run that must prove nothing changed
//   dayRoll  — `now` + 1 day: one more day enters the horizon
//   edit10   — every tenth series' start time moved 30 minutes by SQL, then a run
//   baseline — the rows of `initial` written by COPY into an identical empty table
// Every scenario runs the real `reconcile()` in apply mode with a fixed `now`.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { clearExpansionMemo } from '../../controller/core/generation/recurrence.js';
import type { ConfigSet } from '../../controller/core/config/config-set.js';
import type { Database } from '../../controller/store/database.js';
import type { Logger } from '../../controller/runtime/logger.js';
import { discardBranches } from '../../controller/runtime/branch-sink.js';
import { reconcile, type ReconcileResult } from '../../controller/runtime/reconcile.js';
import { SeriesSnapshotCache } from '../../controller/store/series-cache.js';
import type { BaselineCopy } from './baseline-copy.js';

export const SCENARIO_NAMES = ['initial', 'noop', 'dayRoll', 'edit10', 'baseline'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** One row of the report; exactly the fields of the JSON output. */
export interface ScenarioReport {
  name: ScenarioName;
  ms: number;
  /** Session rows written: created + updated + deleted + cancelled (for baseline: rows copied). */
  rows: number;
  rowsPerSecond: number;
  /** ms of this scenario / ms of the baseline. */
  ratioToBaseline: number;
  /** Peak resident set size while the scenario ran. */
  peakRssMb: number;
}

/** What a hook is told about the scenario at hand. */
export interface ScenarioContext {
  name: ScenarioName;
  db: Database;
  config: ConfigSet;
  /** The run's `now` (null for baseline, which runs no reconcile). */
  now: number | null;
}

export interface ScenarioHooks {
  /** Untimed, before the scenario's timed part (after its untimed preparation). */
  before?(ctx: ScenarioContext): Promise<void>;
  /** Untimed, after the scenario; gets the run's result (none for baseline). */
  after?(ctx: ScenarioContext, result: ReconcileResult | null): Promise<void>;
}

export interface ScenarioInput {
  db: Database;
  config: ConfigSet;
  logger: Logger;
  now: number;
  /** Series whose start time the edit10 scenario moves. */
  editedSeriesIds: string[];
  baseline: BaselineCopy;
  hooks?: ScenarioHooks;
  /** Progress, one line per scenario (the CLI writes it to stderr). */
  progress?: (line: string) => void;
  /**
   * Start each reconcile scenario without the expansion memo and without the
   * series the previous run read, as every run of a CronJob (a new process)
   * does; by default later scenarios find what earlier ones left (expansions,
   * and the series while the table is unchanged), as the runs of `serve` do.
   */
  freshMemo?: boolean;
}

const DAY_MS = 86_400_000;
/**
 * The runs' resync period: a week, so that the day roll is what a daily run
 * pays on most days — incremental for the branches whose full proof is not
 * due, a full proof for the seventh or so that is (docs/performance.md). With
 * the default 24 h, a run a whole day after the last proves every branch.
 */
const RESYNC_PERIOD_MS = Number(process.env.BENCH_RESYNC_DAYS ?? 7) * DAY_MS;

// A full collection between scenarios, so that one scenario's garbage does not
// count in the next one's peak. `--expose-gc` cannot be passed through `npm run
// bench`, so the flag is set at run time and `gc` is fetched from a new context.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

interface Measured<T> {
  value: T;
  ms: number;
  peakRssMb: number;
}

/**
 * Times `fn` and records the highest RSS seen while it ran: a 25 ms sampler
 * catches the peaks between awaits, and the kernel's high-water mark (maxRSS)
 * catches the ones inside long synchronous stretches when it rose meanwhile.
 */
async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  collectGarbage();
  const highWaterBefore = process.resourceUsage().maxRSS * 1024;
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 25);
  const started = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - started;
    const highWaterAfter = process.resourceUsage().maxRSS * 1024;
    if (highWaterAfter > highWaterBefore) peak = Math.max(peak, highWaterAfter);
    return { value, ms, peakRssMb: peak / 2 ** 20 };
  } finally {
    clearInterval(sampler);
  }
}

/** Rows a run wrote, from what the database reported per branch. */
export function rowsWritten(result: ReconcileResult): number {
  return result.branches.reduce((n, b) => n + b.created + b.updated + b.deleted + b.cancelled, 0);
}

function assertSucceeded(name: ScenarioName, result: ReconcileResult): void {
  if (result.exitCode === 0) return;
  const failed = result.failedBranches.map((f) => `${f.branchId}: ${f.error}`).join('; ');
  const refusal = result.refusal ? ` refused: ${result.refusal.message}` : '';
  throw new Error(`benchmark scenario ${name}: reconcile ended with exit code ${result.exitCode} (${result.outcome})${refusal}${failed ? ` failed branches: ${failed}` : ''}`);
}

/**
 * Puts the database in the same state before every timed part: statistics
 * current and pending index entries merged (as autovacuum keeps them on a
 * live system; a server may run without it, as the one the figures in
 * docs/performance.md come from does), for every table: with only
 * class_sessions analyzed, the series, sync-state and history tables kept
 * the statistics of their empty state, and a 100,000-series day roll took
 * 7.4–10.5 s instead of 6.1–7.9 s in alternating runs. No dirty pages from the
 * previous scenario are left for a checkpoint to write during this one.
 */
async function settle(db: Database): Promise<void> {
  await db.query('VACUUM (ANALYZE)');
  if (db.kind === 'postgres') await db.query('CHECKPOINT');
}

export async function runScenarios(input: ScenarioInput): Promise<ScenarioReport[]> {
  const { db, config, logger, hooks } = input;
  const measured: Array<{ name: ScenarioName; ms: number; rows: number; peakRssMb: number }> = [];
  // One for the scenarios' process, as `serve` keeps one for its life.
  const seriesCache = new SeriesSnapshotCache();

  const reconcileAt = async (name: ScenarioName, now: number): Promise<void> => {
    await settle(db);
    const ctx: ScenarioContext = { name, db, config, now };
    await hooks?.before?.(ctx);
    if (input.freshMemo) {
      clearExpansionMemo();
      seriesCache.clear();
    }
    const run = await measure(() => reconcile({ db, config, logger, now, mode: 'apply', clock: () => now, resyncPeriodMs: RESYNC_PERIOD_MS, seriesCache, onBranch: discardBranches }));
    assertSucceeded(name, run.value);
    measured.push({ name, ms: run.ms, rows: rowsWritten(run.value), peakRssMb: run.peakRssMb });
    input.progress?.(`${name}: ${Math.round(run.ms)} ms, ${rowsWritten(run.value)} rows, peak RSS ${Math.round(run.peakRssMb)} MB`);
    await hooks?.after?.(ctx, run.value);
  };

  await reconcileAt('initial', input.now);
  await input.baseline.keepInitialRows();
  await reconcileAt('noop', input.now);
  await reconcileAt('dayRoll', input.now + DAY_MS);
  // The host application edits series (untimed); the trigger bumps their versions.
  await db.query(
    `UPDATE class_series SET start_time = start_time + interval '30 minutes' WHERE id = ANY($1::text[])`,
    [input.editedSeriesIds],
  );
  await reconcileAt('edit10', input.now + DAY_MS);

  const write = await input.baseline.prepare();
  await settle(db);
  const baselineCtx: ScenarioContext = { name: 'baseline', db, config, now: null };
  await hooks?.before?.(baselineCtx);
  const copy = await measure(write);
  measured.push({ name: 'baseline', ms: copy.ms, rows: copy.value, peakRssMb: copy.peakRssMb });
  input.progress?.(`baseline: ${Math.round(copy.ms)} ms, ${copy.value} rows (${input.baseline.method})`);
  await hooks?.after?.(baselineCtx, null);

  const baselineMs = copy.ms;
  return measured.map((m) => ({
    name: m.name,
    ms: Math.round(m.ms),
    rows: m.rows,
    rowsPerSecond: m.ms > 0 ? Math.round((m.rows / m.ms) * 1000) : 0,
    ratioToBaseline: Math.round((m.ms / baselineMs) * 100) / 100,
    peakRssMb: Math.round(m.peakRssMb),
  }));
}
