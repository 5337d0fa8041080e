// Problems as people read them (validate, explain) and as JSON.
import type { Problem } from '../errors.js';
import { describeScopeLabel } from './scope.js';

/**
 * Two lines per problem: where (file, document, pointer), then what and what it
 * blocks. Paths first, so an editor or grep can jump to them.
 */
export function renderProblemText(p: Problem): string {
  const where = [p.origin ?? '(no file)', p.document !== undefined ? `document "${p.document}"` : undefined, p.pointer || undefined]
    .filter((s) => s !== undefined)
    .join('  ');
  const effect = p.severity === 'error' ? `, blocks ${describeScopeLabel(p.scope)}` : '';
  return `${where}\n  ${p.severity} ${p.code}${effect}: ${p.message}\n`;
}

export interface ProblemJson {
  code: string;
  severity: 'error' | 'warning';
  scope: string;
  document: string | null;
  origin: string | null;
  pointer: string;
  message: string;
}

/** A fixed key order and explicit nulls, so scripts can rely on every key. */
export function problemToJson(p: Problem): ProblemJson {
  return {
    code: p.code,
    severity: p.severity,
    scope: p.scope,
    document: p.document ?? null,
    origin: p.origin ?? null,
    pointer: p.pointer,
    message: p.message,
  };
}

/** The scopes that errors leave unreconciled, `all` first, then sorted. */
export function blockedScopes(problems: readonly Problem[]): string[] {
  const scopes = new Set(problems.filter((p) => p.severity === 'error').map((p) => p.scope));
  return [...scopes].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function rank(scope: string): number {
  return scope === 'all' ? 0 : scope === 'base' ? 1 : 2;
}
