// `classctl validate`: every problem of a ConfigSet, then one verdict line.
import type { ConfigSet } from './config-set.js';
import { blockedScopes, problemToJson, renderProblemText, type ProblemJson } from './render-problems.js';
import { describeScopeLabel, scopeLabel } from './scope.js';

export type OutputFormat = 'text' | 'json';

export interface ValidationJson {
  valid: boolean;
  /** Nothing is reconciled: the base is missing or invalid, or a document's scope cannot be read. */
  blocksAll: boolean;
  /** Scopes that are not reconciled until their errors are fixed. */
  blockedScopes: string[];
  digest: string;
  documents: Array<{ name: string; origin: string; scope: string }>;
  errors: ProblemJson[];
  warnings: ProblemJson[];
}

export function validationToJson(config: ConfigSet): ValidationJson {
  const errors = config.problems.filter((p) => p.severity === 'error');
  return {
    valid: errors.length === 0,
    blocksAll: config.blocksAll,
    blockedScopes: blockedScopes(config.problems),
    digest: config.digest,
    documents: config.documents.map((d) => ({ name: d.name, origin: d.origin, scope: scopeLabel(d.scope) })),
    errors: errors.map(problemToJson),
    warnings: config.problems.filter((p) => p.severity === 'warning').map(problemToJson),
  };
}

export function renderValidation(config: ConfigSet, format: OutputFormat): string {
  const json = validationToJson(config);
  if (format === 'json') return JSON.stringify(json, null, 2) + '\n';

  const lines: string[] = [];
  for (const p of [...config.problems.filter((p) => p.severity === 'error'), ...config.problems.filter((p) => p.severity === 'warning')]) {
    lines.push(renderProblemText(p));
  }
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (json.valid) {
    const kinds = { base: 0, branch: 0, series: 0 };
    for (const d of config.documents) kinds[d.scope.kind]++;
    lines.push(
      `Configuration is valid: ${count(json.documents.length, 'document')} (${count(kinds.base, 'base')}, ${kinds.branch} branch${kinds.branch === 1 ? '' : 'es'}, ${kinds.series} series)` +
        `${json.warnings.length ? `, ${count(json.warnings.length, 'warning')}` : ''}.\n`,
    );
  } else {
    lines.push(`Configuration is invalid: ${count(json.errors.length, 'error')}, ${count(json.warnings.length, 'warning')}.\n`);
    lines.push(
      json.blocksAll
        ? 'Nothing is reconciled until the errors are fixed (the base is missing or invalid, or a document cannot be read).\n'
        : `Not reconciled until fixed: ${json.blockedScopes.map(describeScopeLabel).join(', ')}. Other scopes are reconciled as usual.\n`,
    );
  }
  return lines.join('');
}
