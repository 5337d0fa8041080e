// RFC 7396 merging of one layer over the layers below it, recording for every
// leaf which document set it (explain's "set by").
import jsonMergePatch from 'json-merge-patch';
import { joinPointer } from '../errors.js';
import type { ConfigDocument } from '../types.js';

export interface FieldSource {
  document: string;
  origin: string;
}

/** Settings merged so far; provenance is keyed by JSON pointer of each leaf (`/closures/2026-12-25`). */
export interface MergedSettings {
  settings: Record<string, unknown>;
  provenance: Record<string, FieldSource>;
}

export const EMPTY_MERGE: MergedSettings = Object.freeze({ settings: {}, provenance: {} }) as MergedSettings;

/**
 * `below ⊕ document.settings`. Pure: `below` is not modified, so one cached
 * base ⊕ branch result serves every series of the branch.
 */
export function mergeLayer(below: MergedSettings, document: ConfigDocument): MergedSettings {
  const source: FieldSource = { document: document.name, origin: document.origin };
  const provenance = { ...below.provenance };
  trackPatch(provenance, below.settings, document.settings, '', source);
  // json-merge-patch mutates its target, hence the clone.
  const settings = jsonMergePatch.apply(structuredClone(below.settings), document.settings) as Record<string, unknown>;
  return { settings, provenance };
}

function trackPatch(
  provenance: Record<string, FieldSource>,
  target: unknown,
  patch: Record<string, unknown>,
  at: string,
  source: FieldSource,
): void {
  for (const [key, value] of Object.entries(patch)) {
    const pointer = at + joinPointer(key);
    const below = isObject(target) ? target[key] : undefined;
    if (isObject(value)) {
      // An object patch merges into an object below, and replaces anything else.
      if (!isObject(below)) forget(provenance, pointer, below);
      trackPatch(provenance, below, value, pointer, source);
    } else {
      forget(provenance, pointer, below);
      if (value !== null) provenance[pointer] = source;
    }
  }
}

/**
 * Drops the entry at `pointer` and every entry below it. Provenance only holds
 * pointers of leaves of the settings, so the entries below `pointer` are the
 * leaves of `value`, the settings there: walking that value costs what is
 * dropped, where scanning every key would make a layer that replaces many
 * small objects quadratic in the number of keys.
 */
function forget(provenance: Record<string, FieldSource>, pointer: string, value: unknown): void {
  delete provenance[pointer];
  if (!isObject(value)) return;
  for (const [key, below] of Object.entries(value)) forget(provenance, pointer + joinPointer(key), below);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
