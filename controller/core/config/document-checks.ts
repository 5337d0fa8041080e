// Checks across documents, made once when a ConfigSet is built: one document
// per scope, a base that exists, and layers whose merge passes the resolved schema.
import type { Problem } from '../errors.js';
import type { ConfigDocument } from '../types.js';
import { mergeLayer, type MergedSettings } from './merge-layers.js';
import { describeSchemaErrors } from './schema-errors.js';
import { describeScope, describeScopeLabel, scopeLabel } from './scope.js';
import { resolvedSchemaErrors } from './validators.js';

interface Claim {
  document: string;
  origin: string;
}

/**
 * Two documents for one scope are a conflict: which one wins cannot be known,
 * so neither is used. A document that failed its own validation still claims
 * its scope (its problems carry the scope), so every conflict is reported at once.
 */
export function findConflicts(documents: readonly ConfigDocument[], loadProblems: readonly Problem[]): Problem[] {
  const claims = new Map<string, Claim[]>();
  const claim = (scope: string, c: Claim) => {
    const list = claims.get(scope) ?? [];
    if (!list.some((o) => o.document === c.document && o.origin === c.origin)) list.push(c);
    claims.set(scope, list);
  };
  for (const d of documents) claim(scopeLabel(d.scope), { document: d.name, origin: d.origin });
  for (const p of loadProblems) {
    if (p.severity === 'error' && p.scope !== 'all' && p.document !== undefined) claim(p.scope, { document: p.document, origin: p.origin ?? '' });
  }
  const problems: Problem[] = [];
  for (const [scope, list] of claims) {
    if (list.length < 2) continue;
    const all = list.map((c) => `"${c.document}" (${c.origin})`).join(', ');
    const what = describeScopeLabel(scope);
    for (const c of list) {
      problems.push({
        code: 'CONFIG_CONFLICT',
        scope,
        document: c.document,
        origin: c.origin,
        pointer: '/spec/scope',
        severity: 'error',
        message:
          `${list.length} documents configure ${what}: ${all}. None of them is used, and ${scope === 'base' ? 'nothing is' : `${what} is not`} reconciled ` +
          'until they are merged into one document (or all but one are re-scoped or removed).',
      });
    }
  }
  return problems;
}

export function missingBase(documents: readonly ConfigDocument[], loadProblems: readonly Problem[]): Problem[] {
  if (documents.some((d) => d.scope.kind === 'base')) return [];
  // A base that exists but is broken is already reported; do not also call it missing.
  if (loadProblems.some((p) => p.severity === 'error' && (p.scope === 'base' || p.scope === 'all'))) return [];
  return [
    {
      code: 'CONFIG_NO_BASE',
      scope: 'base',
      pointer: '',
      severity: 'error',
      message:
        'No base document: add a SchedulingConfig with spec.scope {} that sets every field (generation, dst, closures, sessionDefaults, removal, cleanup, safety). ' +
        'Nothing is reconciled without it.',
    },
  ];
}

export type MergeCheck = { ok: true; merged: MergedSettings } | { ok: false; problems: Problem[] };

/**
 * `below ⊕ document`, validated against the resolved schema. Problems name the
 * top document: the layers below it were valid on their own, so it is this
 * document's nulls that broke the result.
 */
export function mergeAndCheck(below: MergedSettings, document: ConfigDocument, layersText: string): MergeCheck {
  const misplaced = branchOnlySettings(document);
  if (misplaced.length > 0) return { ok: false, problems: misplaced };
  const merged = mergeLayer(below, document);
  const errors = resolvedSchemaErrors(merged.settings);
  if (errors.length === 0) return { ok: true, merged };
  const isBase = document.scope.kind === 'base';
  const missing = isBase
    ? (field: string) =>
        `"${field}" is missing: the base document must set every field, because it holds the defaults every branch and series inherits.`
    : (field: string) =>
        `"${field}" is missing from the merged settings (${layersText}): this document deletes it with null. Give it a value, or remove the null to inherit the value below.`;
  const findings = describeSchemaErrors(errors, '/spec/settings', isBase ? 'CONFIG_BASE_INVALID' : 'CONFIG_RESOLVED_INVALID', missing);
  return {
    ok: false,
    problems: findings.map((f) => ({
      code: f.code,
      scope: scopeLabel(document.scope),
      document: document.name,
      origin: document.origin,
      pointer: f.pointer,
      severity: 'error',
      message: isBase || f.message.includes('merged settings') ? f.message : `In the merged settings of ${describeScope(document.scope)} (${layersText}): ${f.message}`,
    })),
  };
}

/**
 * Settings that hold for a branch or the whole run and mean nothing for one
 * series: `safety.maxRemovalsPerRun` limits what a run removes per branch and
 * in total; `history.retainDays` keeps a branch's recorded changes;
 * `feeds.public` opens a branch's calendar feeds. Set on a
 * series document they would be silently ignored, so it is an error instead.
 */
const BRANCH_ONLY_SETTINGS: Record<string, string> = {
  safety: 'safety.maxRemovalsPerRun limits a branch and the whole run',
  history: "history.retainDays keeps a branch's recorded changes",
  feeds: "feeds.public opens a branch's calendar feeds",
};

export function branchOnlySettings(document: ConfigDocument): Problem[] {
  if (document.scope.kind !== 'series') return [];
  const seriesId = document.scope.id;
  return Object.keys(BRANCH_ONLY_SETTINGS).filter((field) => Object.hasOwn(document.settings, field)).map((field) => ({
    code: 'CONFIG_SCOPE_FIELD',
    scope: scopeLabel(document.scope),
    document: document.name,
    origin: document.origin,
    pointer: `/spec/settings/${field}`,
    severity: 'error',
    message:
      `"${field}" cannot be set for a single series: ${BRANCH_ONLY_SETTINGS[field]}. ` +
      `Move it to the branch's document or the base, or remove it; series "${seriesId}" is not reconciled until then.`,
  }));
}
