// A merged, validated result in the form callers get: fields in schema order,
// closures by date, provenance in the same order, all frozen — one cached
// object is shared by every series of a branch, so nobody may change it.
import { pointerToken } from '../errors.js';
import type { ResolvedSettings } from '../types.js';
import type { FieldSource, MergedSettings } from './merge-layers.js';
import { resolvedSettingsSchema, type JsonSchema } from './schemas.js';

export interface FinalSettings {
  settings: ResolvedSettings;
  provenance: Record<string, FieldSource>;
}

/** `merged` must already have passed the resolved schema. */
export function finalizeResolved(merged: MergedSettings): FinalSettings {
  const settings = deepFreeze(orderLike(resolvedSettingsSchema, merged.settings)) as ResolvedSettings;
  const provenance: Record<string, FieldSource> = {};
  for (const pointer of leafPointers(settings, '')) {
    const source = merged.provenance[pointer];
    if (source) provenance[pointer] = source;
  }
  return { settings, provenance: deepFreeze(provenance) };
}

/** Keys in the schema's property order; keys the schema does not list (closure dates) sorted. */
function orderLike(schema: JsonSchema | undefined, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const listed = Object.keys(properties).filter((k) => k in obj);
  const rest = Object.keys(obj)
    .filter((k) => !(k in properties))
    .sort();
  const out: Record<string, unknown> = {};
  for (const k of [...listed, ...rest]) out[k] = orderLike(properties[k], obj[k]);
  return out;
}

function* leafPointers(value: unknown, at: string): Generator<string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) yield* leafPointers(v, `${at}/${pointerToken(k)}`);
  } else {
    yield at;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
