// The plan as JSON: now, mode, summary, changes, errors, warnings. Extra fields (sessionId, fields, reason, seriesVersions,
// configDigest) make a saved plan applicable exactly and checkable for staleness.
import type { Problem } from '../errors.js';
import { allProblems, summarizePlan, type Plan } from '../plan.js';
import type { Change, PlanSummary, PlanWarning, SessionView, SkippedByDst, UpdatableField } from '../plan-types.js';
import type { RunTarget } from '../run-target.js';

export const PLAN_FORMAT_VERSION = 1;

export interface PlanJsonChange {
  action: Change['action'];
  seriesId: string;
  occurrenceKey: string | null;
  branchId: string;
  sessionId: string | null;
  before: SessionView | null;
  after: SessionView | null;
  fields?: UpdatableField[];
  reason?: string;
  bookedCount?: number;
  /** delete-series: the series version the plan saw. */
  version?: string;
}

/** The run's totals, plus the occurrences not generated because of a DST gap. */
export type PlanJsonSummary = PlanSummary & { skippedByDst: number };

export interface PlanJson {
  formatVersion: number;
  now: string;
  mode: string;
  summary: PlanJsonSummary;
  changes: PlanJsonChange[];
  /** Occurrences with no session because their start time does not exist that day (`dst.nonexistentTime: skip`). */
  skippedByDst: SkippedByDst[];
  errors: Array<Pick<Problem, 'code' | 'scope' | 'document' | 'origin' | 'pointer' | 'message'>>;
  warnings: PlanWarning[];
  configDigest: string;
  seriesVersions: Record<string, string>;
  /** A targeted plan's --branch / --series: `apply` applies it to that target only. */
  target?: RunTarget;
  branches: Array<{ branchId: string; timezone: string; today: string; skippedSeries: Array<{ seriesId: string; reason: string }> }>;
}

/** One change as the plan JSON shows it. */
export function changeToJson(c: Change): PlanJsonChange {
  if (c.action === 'delete-series') {
    return { action: c.action, seriesId: c.seriesId, occurrenceKey: null, branchId: c.branchId, sessionId: null, before: null, after: null, reason: c.reason, version: c.version };
  }
  const row: PlanJsonChange = {
    action: c.action,
    seriesId: c.seriesId,
    occurrenceKey: c.occurrenceKey,
    branchId: c.branchId,
    sessionId: c.sessionId,
    before: c.before,
    after: c.after,
  };
  if (c.fields) row.fields = c.fields;
  if (c.reason !== undefined) row.reason = c.reason;
  if (c.bookedCount !== undefined) row.bookedCount = c.bookedCount;
  return row;
}

export function planToJson(plan: Plan): PlanJson {
  const changes: PlanJsonChange[] = [];
  for (const b of plan.branches) for (const c of b.changes) changes.push(changeToJson(c));
  const { summary, ...tail } = planJsonTail(plan, summarizePlan(plan));
  return { formatVersion: PLAN_FORMAT_VERSION, now: plan.now, mode: plan.mode, summary, changes, ...tail };
}

/**
 * Everything of the plan JSON but its changes. `plan.branches` may be
 * outlines (branches kept without their changes): only their DST skips,
 * problems, warnings and skipped series are read. `summary` comes from the
 * run's counts.
 */
export function planJsonTail(plan: Plan, summary: PlanSummary): Omit<PlanJson, 'formatVersion' | 'now' | 'mode' | 'changes'> {
  const problems = allProblems(plan);
  const skippedByDst = plan.branches.flatMap((b) => b.skippedByDst);
  return {
    summary: { ...summary, skippedByDst: skippedByDst.length },
    skippedByDst,
    errors: problems
      .filter((p) => p.severity === 'error')
      .map((p) => ({ code: p.code, scope: p.scope, document: p.document, origin: p.origin, pointer: p.pointer, message: p.message })),
    warnings: [
      ...plan.warnings,
      ...problems.filter((p) => p.severity === 'warning').map((p) => ({ code: p.code, message: p.message, details: { scope: p.scope, document: p.document, pointer: p.pointer } })),
      ...plan.branches.flatMap((b) => b.warnings),
    ],
    configDigest: plan.configDigest,
    seriesVersions: plan.seriesVersions,
    ...(plan.target ? { target: plan.target } : {}),
    branches: plan.branches.map((b) => ({ branchId: b.branchId, timezone: b.timezone, today: b.today, skippedSeries: b.skippedSeries })),
  };
}

/**
 * The plan JSON written as a stream, branch by branch: the document a plan
 * file or `--output json` holds, never built in memory. Its layout is fixed
 * so that a reader can take it line by line: the opening fields, then
 * `"changes": [` on a line of its own, ONE CHANGE PER LINE, `],` alone on a
 * line, then the closing fields — `summary` last, since it is known only at
 * the end. Any JSON reader reads it as the whole-document plan.
 */
export interface PlanJsonStream {
  /** The opening fields and the start of the changes (once, first). */
  begin(): string;
  /** Changes of one branch, in plan order. */
  changes(changes: readonly PlanJsonChange[]): string;
  /** The closing fields; `extra` fields (runId, outcome, …) go before `summary`. */
  end(tail: Omit<PlanJson, 'formatVersion' | 'now' | 'mode' | 'changes'>, extra?: Record<string, unknown>): string;
}

export function createPlanJsonStream(head: Pick<PlanJson, 'now' | 'mode'>): PlanJsonStream {
  let first = true;
  return {
    begin() {
      return `{\n${field('formatVersion', PLAN_FORMAT_VERSION)},\n${field('now', head.now)},\n${field('mode', head.mode)},\n  "changes": [`;
    },
    changes(changes) {
      let text = '';
      for (const c of changes) {
        text += (first ? '\n    ' : ',\n    ') + JSON.stringify(c);
        first = false;
      }
      return text;
    },
    end(tail, extra = {}) {
      const { summary, ...rest } = tail;
      const fields = Object.entries({ ...rest, ...extra, summary })
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => field(k, v));
      return `\n  ],\n${fields.join(',\n')}\n}\n`;
    },
  };
}

/** `  "key": value`, the value indented as JSON.stringify(…, null, 2) would inside the document. */
function field(key: string, value: unknown): string {
  return `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}`;
}
