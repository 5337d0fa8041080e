// The reconcile journal as `classctl runs` and GET /api/runs show it: one JSON
// shape with ISO 8601 times for both, and the text table of the CLI.
import { describeTarget, type RunTarget } from '../run-target.js';

/** A journal row as read from reconcile_runs (times in epoch ms). */
export interface JournaledRun {
  /** bigserial, as a decimal string. */
  id: string;
  status: string;
  mode: string;
  /** The instant the run computed for (`--now`), epoch ms. */
  nowMs: number;
  startedAtMs: number;
  finishedAtMs: number | null;
  heartbeatAtMs: number | null;
  configDigest: string | null;
  summary: unknown;
  error: string | null;
  resumedAfter: string | null;
  pid: number | null;
  host: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A run as JSON: times as ISO 8601 strings (null when not reached), the rest as journaled. */
export function runToJson(r: JournaledRun) {
  return {
    id: r.id,
    status: r.status,
    mode: r.mode,
    now: iso(r.nowMs),
    startedAt: iso(r.startedAtMs),
    finishedAt: iso(r.finishedAtMs),
    heartbeatAt: iso(r.heartbeatAtMs),
    configDigest: r.configDigest,
    summary: r.summary,
    error: r.error,
    resumedAfter: r.resumedAfter,
    pid: r.pid,
    host: r.host,
  };
}

/**
 * The DURATION cell. An interrupted run's finish time is when a later run
 * found it dead (by that run's clock, a simulated one in `simulate`), not when
 * it stopped, so it shows "interrupted"; a running run shows "-". A finish
 * before the start (clocks of two hosts) shows 0.0s, never a negative time.
 */
export function runDuration(r: Pick<JournaledRun, 'status' | 'startedAtMs' | 'finishedAtMs'>): string {
  if (r.status === 'interrupted') return 'interrupted';
  if (r.finishedAtMs === null) return '-';
  return `${(Math.max(0, r.finishedAtMs - r.startedAtMs) / 1000).toFixed(1)}s`;
}

/** The target a run's journal summary records (summary.target), if it was a targeted run. */
function recordedTarget(summary: unknown): RunTarget | null {
  const t = (summary as { target?: Partial<RunTarget> } | null)?.target;
  if (!t || !Array.isArray(t.branchIds) || !Array.isArray(t.seriesIds)) return null;
  return { branchIds: t.branchIds, seriesIds: t.seriesIds };
}

/** The runs as a table, newest first as given. */
export function renderRuns(runs: readonly JournaledRun[]): string {
  if (runs.length === 0) return 'No runs yet.\n';
  const rows = runs.map((r) => {
    const s = (r.summary ?? {}) as Record<string, number | undefined>;
    const counts = `+${s.create ?? 0} ~${s.update ?? 0} -${s.delete ?? 0} !${s.cancel ?? 0} x${s.seriesDeleted ?? 0}`;
    const target = recordedTarget(r.summary);
    const held = (r.summary as { awaitingApproval?: { approvalId?: string; planned?: Record<string, number> } } | null)?.awaitingApproval;
    const awaiting = held ? `held for approval ${held.approvalId ?? '?'}${held.planned ? ` (planned +${held.planned.create ?? 0} ~${held.planned.update ?? 0} -${held.planned.delete ?? 0} !${held.planned.cancel ?? 0} x${held.planned.seriesDeleted ?? 0})` : ''}` : '';
    const notes = [target ? `targeted at ${describeTarget(target)}` : '', r.resumedAfter ? `resumes run ${r.resumedAfter}` : '', awaiting, r.error ?? ''].filter(Boolean).join('; ');
    return [r.id, r.status, r.mode, new Date(r.nowMs).toISOString(), runDuration(r), counts, notes];
  });
  const header = ['RUN', 'STATUS', 'MODE', 'NOW', 'DURATION', 'CHANGES', 'NOTES'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map((r) => line(r.map(String)))].join('\n') + '\n';
}
