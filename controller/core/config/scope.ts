// Scopes of configuration documents and the labels problems carry.
import type { ConfigScope } from '../types.js';

/** What a problem blocks: one scope, or everything (`all`). */
export type ScopeLabel = 'base' | `branch:${string}` | `series:${string}` | 'all';

export function scopeLabel(scope: ConfigScope): ScopeLabel {
  return scope.kind === 'base' ? 'base' : `${scope.kind}:${scope.id}`;
}

/** `{}` → base, `{branch: ID}`, `{series: ID}`; undefined when the value is not a valid scope. */
export function readScope(raw: unknown): ConfigScope | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const keys = Object.keys(raw);
  if (keys.length === 0) return { kind: 'base' };
  if (keys.length !== 1) return undefined;
  const key = keys[0];
  const id = (raw as Record<string, unknown>)[key];
  if ((key !== 'branch' && key !== 'series') || typeof id !== 'string' || id.length === 0) return undefined;
  return { kind: key, id };
}

/** Human wording: `the base`, `branch "downtown"`, `series "downtown-yoga-mon"`. */
export function describeScope(scope: ConfigScope): string {
  return scope.kind === 'base' ? 'the base' : `${scope.kind} "${scope.id}"`;
}

/** The same wording from a problem's scope label (`branch:downtown` → `branch "downtown"`). */
export function describeScopeLabel(label: string): string {
  if (label === 'base') return 'the base';
  if (label === 'all') return 'every scope';
  const colon = label.indexOf(':');
  return colon < 0 ? label : `${label.slice(0, colon)} "${label.slice(colon + 1)}"`;
}
