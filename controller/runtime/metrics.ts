// Prometheus metrics, on a Registry of our own so tests and the
// one-shot push never see another module's metrics. Labels are small closed
// sets (result, action, kind): never a series, branch or session id, so the
// number of time series does not grow with the data.
import { readFileSync } from 'node:fs';
import { Counter, Gauge, Histogram, Pushgateway, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { Problem } from '../core/errors.js';
import { allProblems } from '../core/plan.js';
import type { ReconcileResult, RunOutcome } from './reconcile.js';
import { createNotificationMetrics, NOTIFICATION_DESTINATION_TYPES, type NotificationMetrics } from './notifications/delivery-metrics.js';

/** `result` label values: the run outcomes, plus `error` for a run that threw (database down, a bug). */
export const RUN_RESULTS = ['succeeded', 'failed', 'refused', 'invalid-config', 'awaiting-approval', 'error'] as const;
export type RunResultLabel = RunOutcome | 'error';
export const SESSION_ACTIONS = ['create', 'update', 'delete', 'cancel'] as const;
/**
 * `kind` label values. config: a document error; series / branch: a series or
 * branch whose inputs are invalid; branch_failed: a branch transaction that
 * failed after its retries; guard: a run refused by a guard; run: a run that threw.
 */
export const ERROR_KINDS = ['config', 'series', 'branch', 'branch_failed', 'guard', 'run'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const LAST_SUCCESS_METRIC = 'classctl_last_success_timestamp_seconds';

const LINT_FAILING_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * Runs take from well under a second (nothing to do) to many minutes (a first
 * run over 10,000 series); the buckets span that range.
 */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800];

export interface ControllerMetrics {
  registry: Registry;
  runs: Counter<'result'>;
  plans: Counter<'result'>;
  duration: Histogram;
  sessionsChanged: Counter<'action'>;
  seriesArchived: Counter;
  errors: Counter<'kind'>;
  configInvalidDocuments: Gauge;
  lastSuccess: Gauge;
  buildInfo: Gauge<'version' | 'node'>;
  notifications: NotificationMetrics;
}

export interface CreateMetricsOptions {
  version?: string;
  nodeVersion?: string;
  /** Also collect prom-client's process_* and nodejs_* metrics (the long-running server wants them). */
  processMetrics?: boolean;
}

export function createMetrics(opts: CreateMetricsOptions = {}): ControllerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const m: ControllerMetrics = {
    registry,
    runs: new Counter({ name: 'classctl_reconcile_runs_total', help: 'Reconcile runs, by result (succeeded, failed, refused, invalid-config, error).', labelNames: ['result'], registers }),
    plans: new Counter({ name: 'classctl_plans_total', help: 'Plan-only runs (nothing written), by result; never counted as reconcile runs or successes.', labelNames: ['result'], registers }),
    duration: new Histogram({ name: 'classctl_reconcile_duration_seconds', help: 'Duration of reconcile runs, from start to journal.', buckets: DURATION_BUCKETS, registers }),
    sessionsChanged: new Counter({ name: 'classctl_sessions_changed_total', help: 'Class sessions written, by action (create, update, delete, cancel).', labelNames: ['action'], registers }),
    seriesArchived: new Counter({ name: 'classctl_series_archived_total', help: 'Ended class series copied to class_series_archive and deleted.', registers }),
    errors: new Counter({ name: 'classctl_errors_total', help: 'Errors met by runs, by kind (config, series, branch, branch_failed, guard, run).', labelNames: ['kind'], registers }),
    configInvalidDocuments: new Gauge({ name: 'classctl_config_invalid_documents', help: 'Scheduling config documents (or files) with at least one error in the latest configuration read.', registers }),
    lastSuccess: new Gauge({ name: LAST_SUCCESS_METRIC, help: 'Unix time of the end of the latest run that succeeded; 0 until one has.', registers }),
    notifications: createNotificationMetrics(registers),
    buildInfo: new Gauge({ name: 'classctl_build_info', help: 'Always 1; the labels say which classctl and Node.js are running.', labelNames: ['version', 'node'], registers }),
  };
  // Every label value exists from the start at 0, so rate() and `> 0` alerts
  // see the first increment instead of a series appearing out of nowhere.
  for (const result of RUN_RESULTS) m.runs.inc({ result }, 0);
  for (const result of RUN_RESULTS) m.plans.inc({ result }, 0);
  for (const action of SESSION_ACTIONS) m.sessionsChanged.inc({ action }, 0);
  for (const kind of ERROR_KINDS) m.errors.inc({ kind }, 0);
  for (const type of NOTIFICATION_DESTINATION_TYPES) for (const c of [m.notifications.delivered, m.notifications.failed, m.notifications.dead]) c.inc({ type }, 0);
  m.buildInfo.set({ version: opts.version ?? readPackageVersion(), node: opts.nodeVersion ?? process.version }, 1);
  if (opts.processMetrics) {
    collectDefaultMetrics({ register: registry });
    // Gauges that prom-client names like counters; `promtool check metrics`
    // rejects them, and process_* and the event-loop metrics say enough.
    for (const name of LINT_FAILING_DEFAULT_METRICS) registry.removeSingleMetric(name);
  }
  return m;
}

/**
 * Records a finished run from its result. `atMs` is when it finished (the
 * last-success time). A plan-only run wrote nothing: it is counted in
 * classctl_plans_total, never as a reconcile run nor as a success, so it
 * cannot hide a "no recent success" alert.
 */
export function recordRun(m: ControllerMetrics, result: ReconcileResult, durationSeconds: number, atMs: number = Date.now()): void {
  const planOnly = result.plan.mode === 'plan';
  if (planOnly) m.plans.inc({ result: result.outcome });
  else {
    m.runs.inc({ result: result.outcome });
    m.duration.observe(durationSeconds);
  }
  let created = 0, updated = 0, deleted = 0, cancelled = 0, archived = 0;
  for (const b of result.branches) {
    created += b.created;
    updated += b.updated;
    deleted += b.deleted;
    cancelled += b.cancelled;
    archived += b.seriesArchived;
  }
  m.sessionsChanged.inc({ action: 'create' }, created);
  m.sessionsChanged.inc({ action: 'update' }, updated);
  m.sessionsChanged.inc({ action: 'delete' }, deleted);
  m.sessionsChanged.inc({ action: 'cancel' }, cancelled);
  m.seriesArchived.inc(archived);

  for (const p of distinctErrors(allProblems(result.plan))) m.errors.inc({ kind: errorKindOf(p) });
  if (result.failedBranches.length > 0) m.errors.inc({ kind: 'branch_failed' }, result.failedBranches.length);
  if (result.refusal) m.errors.inc({ kind: 'guard' });
  // A refused run may stop before it reads the configuration: keep the last count then.
  if (result.outcome !== 'refused') m.configInvalidDocuments.set(countInvalidDocuments(result.plan.problems));
  if (result.outcome === 'succeeded' && !planOnly) m.lastSuccess.set(atMs / 1000);
}

/** Records a run that threw instead of returning a result. */
export function recordRunError(m: ControllerMetrics, durationSeconds: number): void {
  m.runs.inc({ result: 'error' });
  m.duration.observe(durationSeconds);
  m.errors.inc({ kind: 'run' });
}

/** Sets the invalid-documents gauge from a configuration just read (readiness, the plan API). */
export function recordConfigProblems(m: ControllerMetrics, problems: readonly Problem[]): void {
  m.configInvalidDocuments.set(countInvalidDocuments(problems));
}

/** A branch blocked by a document carries that document's problem again: count each problem once. */
function distinctErrors(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    if (p.severity !== 'error') return false;
    const key = JSON.stringify([p.code, p.scope, p.document ?? null, p.origin ?? null, p.pointer, p.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function errorKindOf(p: Problem): ErrorKind {
  if (p.code.startsWith('CONFIG_')) return 'config';
  if (p.code.startsWith('BRANCH_')) return 'branch';
  return 'series';
}

/**
 * Documents (by name, else by file) with at least one configuration error. A
 * missing base document counts as one: nothing is reconciled until it exists.
 */
export function countInvalidDocuments(problems: readonly Problem[]): number {
  const keys = new Set<string>();
  for (const p of problems) {
    if (p.severity !== 'error' || !p.code.startsWith('CONFIG_')) continue;
    keys.add(p.document !== undefined ? `${p.origin ?? ''}#${p.document}` : (p.origin ?? p.scope));
  }
  return keys.size;
}

/**
 * One-shot mode (`reconcile --pushgateway URL`): push-add (HTTP POST) under
 * `job`, so metrics this push does not carry keep their previous values at the
 * gateway. The last-success gauge is pushed only once a run has set it, so a
 * failed run never overwrites the time of the last good one with 0.
 */
export async function pushMetrics(url: string, registry: Registry, job: string, opts: { timeoutMs?: number; groupings?: Record<string, string> } = {}): Promise<void> {
  const lastSuccess = registry.getSingleMetric(LAST_SUCCESS_METRIC) as Gauge | undefined;
  const lastSuccessSet = lastSuccess !== undefined && (await lastSuccess.get()).values.some((v) => v.value > 0);
  const toPush = new Registry();
  for (const metric of registry.getMetricsAsArray() as unknown as Metric[]) {
    if (metric === (lastSuccess as unknown as Metric) && !lastSuccessSet) continue;
    toPush.registerMetric(metric);
  }
  const gateway = new Pushgateway(url, { timeout: opts.timeoutMs ?? 10_000 }, toPush);
  await gateway.pushAdd({ jobName: job, groupings: opts.groupings });
}

/** The version in package.json (from the source tree or from dist/), or 'unknown'. */
export function readPackageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'class-series-controller' && pkg.version) return pkg.version;
    } catch {
      // not at this level; try the next
    }
  }
  return 'unknown';
}
