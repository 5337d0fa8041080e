// The configuration's fingerprint: a saved plan records it and `apply` refuses
// the plan as stale when the documents changed since.
import { createHash } from 'node:crypto';
import type { ConfigDocument } from '../types.js';
import { scopeLabel } from './scope.js';

/**
 * sha256 of the canonical JSON of every document's name, scope and settings,
 * sorted by scope then name. Where a document came from (file, index, resource
 * generation) is left out: moving a document between files changes nothing.
 */
export function configDigest(documents: readonly ConfigDocument[]): string {
  const entries = documents
    .map((d) => ({ name: d.name, scope: scopeLabel(d.scope), settings: d.settings }))
    .sort((a, b) => compare(a.scope, b.scope) || compare(a.name, b.name) || compare(canonicalJson(a.settings), canonicalJson(b.settings)));
  return createHash('sha256').update(canonicalJson(entries)).digest('hex');
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort(compare);
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(obj[k])).join(',') + '}';
  }
  return JSON.stringify(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
