// `classctl explain`: the resolved settings of one branch or series, and which
// document set each field. Pure, so the CLI (by --branch, or later by series id
// looked up in the database) and the HTTP API can share it.
import { describeSessionFieldSource, explainSessionFields, type SessionFieldExplain } from '../session-fields-explain.js';
import type { ClassSeries } from '../types.js';
import type { ConfigSet, ResolvedLayer, ResolveResult } from './config-set.js';
import type { FieldSource } from './merge-layers.js';
import { problemToJson, renderProblemText, type ProblemJson } from './render-problems.js';
import type { OutputFormat } from './render-validation.js';

export interface ExplainResult {
  branchId: string;
  seriesId?: string;
  resolved: ResolveResult;
  /** Errors of the configuration outside this scope (they do not affect it, but deserve a mention). */
  otherErrors: number;
  /** What each session of the series gets and from where; only when the series row was read. */
  sessionFields?: SessionFieldExplain[];
  /** The holiday calendars of the scope's layers: where each was read from, and how old a fetched copy is. */
  holidayCalendars?: Array<{ document: string; name: string; source: string; fetchedAtMs?: number }>;
  /** The instant ages are told from. */
  nowMs?: number;
}

/** The series row and its branch's zone, when explain read them from the database. */
export interface ExplainSeriesRow {
  series: ClassSeries;
  branchTimezone: string;
}

export interface ExplainField {
  pointer: string;
  value: unknown;
  document: string;
  origin: string;
}

export type ExplainJson =
  | {
      branch: string;
      series: string | null;
      valid: true;
      layers: ResolvedLayer[];
      settings: unknown;
      fields: ExplainField[];
      sessionFields?: SessionFieldExplain[];
      holidayCalendars?: Array<{ document: string; name: string; source: string; fetchedAt: string | null }>;
    }
  | { branch: string; series: string | null; valid: false; problems: ProblemJson[] };

export function explainConfig(config: ConfigSet, branchId: string, seriesId?: string, row?: ExplainSeriesRow, nowMs?: number): ExplainResult {
  const resolved = config.resolve(branchId, seriesId);
  const own = new Set(resolved.ok ? [] : resolved.problems);
  const otherErrors = config.problems.filter((p) => p.severity === 'error' && !own.has(p)).length;
  const result: ExplainResult = { branchId, seriesId, resolved, otherErrors, nowMs };
  const layerNames = new Set((resolved.ok ? (resolved.layers ?? []) : []).map((l) => l.document));
  const calendars = config.documents
    .filter((d) => layerNames.has(d.name) && d.holidayCalendarSources)
    .flatMap((d) => Object.entries(d.holidayCalendarSources!).map(([name, s]) => ({ document: d.name, name, ...s })));
  if (calendars.length > 0) result.holidayCalendars = calendars;
  if (resolved.ok && row) result.sessionFields = explainSessionFields(row.series, row.branchTimezone, resolved.settings, resolved.provenance);
  return result;
}

export function explainToJson(result: ExplainResult): ExplainJson {
  const head = { branch: result.branchId, series: result.seriesId ?? null };
  const r = result.resolved;
  if (!r.ok) return { ...head, valid: false, problems: r.problems.map(problemToJson) };
  const json: ExplainJson = { ...head, valid: true, layers: r.layers ?? [], settings: r.settings, fields: fieldsOf(r.settings, r.provenance) };
  if (result.sessionFields) json.sessionFields = result.sessionFields;
  if (result.holidayCalendars) {
    json.holidayCalendars = result.holidayCalendars.map((c) => ({ document: c.document, name: c.name, source: c.source, fetchedAt: c.fetchedAtMs === undefined ? null : new Date(c.fetchedAtMs).toISOString() }));
  }
  return json;
}

export function renderExplain(result: ExplainResult, format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(explainToJson(result), null, 2) + '\n';
  const target = result.seriesId === undefined ? `branch "${result.branchId}"` : `series "${result.seriesId}" (branch "${result.branchId}")`;
  const lines: string[] = [];
  const r = result.resolved;
  if (!r.ok) {
    lines.push(`The configuration of ${target} is invalid; its sessions are left as they are until these are fixed:\n\n`);
    for (const p of r.problems) lines.push(renderProblemText(p));
  } else {
    lines.push(`Resolved settings of ${target}`);
    if (result.seriesId === undefined) lines.push(' (what every series of the branch without its own document gets)');
    lines.push('\n');
    const layers = r.layers ?? [];
    lines.push(`Layers, lowest first: ${layers.map((l) => `${l.document} (${l.origin})`).join(' ⊕ ')}\n\n`);
    const rows = fieldsOf(r.settings, r.provenance).map((f) => [f.pointer, JSON.stringify(f.value), `${f.document} (${f.origin})`]);
    lines.push(table([['FIELD', 'VALUE', 'SET BY'], ...rows]));
    if (result.holidayCalendars) {
      lines.push('\nHoliday calendars (their all-day events are the closures above):\n');
      for (const c of result.holidayCalendars) lines.push(`  ${c.name} (document ${c.document}): ${c.source}${c.fetchedAtMs === undefined ? '' : `, ${describeFetch(c.fetchedAtMs, result.nowMs)}`}\n`);
    }
    if (result.sessionFields) {
      lines.push(`\nSession fields: what each session of series "${result.seriesId}" gets (the series row's own value beats sessionDefaults)\n\n`);
      const sessionRows = result.sessionFields.map((f) => [f.field, f.value === null ? 'null' : JSON.stringify(f.value), describeSessionFieldSource(f.source) + (f.note ? `; ${f.note}` : '')]);
      lines.push(table([['FIELD', 'VALUE', 'FROM'], ...sessionRows]));
    } else if (result.seriesId !== undefined) {
      lines.push(`\nSession fields are not shown: the series row was not read. Run \`classctl explain ${result.seriesId}\` (with the database) to see what its sessions get.\n`);
    }
  }
  if (result.otherErrors > 0) {
    lines.push(`\nNote: the configuration has ${result.otherErrors} more error(s) in other scopes; run \`classctl validate\` to list them.\n`);
  }
  return lines.join('');
}

function fieldsOf(settings: unknown, provenance: Record<string, FieldSource>): ExplainField[] {
  return Object.entries(provenance).map(([pointer, source]) => ({ pointer, value: valueAt(settings, pointer), ...source }));
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const token of pointer.split('/').slice(1)) {
    v = (v as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ') + '\n').join('');
}

/** When a cached calendar copy was fetched, and its age when `nowMs` is known. */
function describeFetch(fetchedAtMs: number, nowMs: number | undefined): string {
  const at = `fetched ${new Date(fetchedAtMs).toISOString()}`;
  if (nowMs === undefined) return at;
  const minutes = Math.max(0, Math.round((nowMs - fetchedAtMs) / 60_000));
  const age = minutes < 120 ? `${minutes} min` : minutes < 48 * 60 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} days`;
  return `${at} (cached copy, ${age} old; refreshed after a day)`;
}
