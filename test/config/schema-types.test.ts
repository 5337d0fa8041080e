// One source of truth: schemas/*.json. The TypeScript types in core/types.ts
// are checked against them here — at compile time (`tsc`, part of `npm test`)
// the SPEC below must list exactly the types' fields and enum members; at run
// time the schemas must describe exactly that SPEC.
import t from 'tap';
import { CLOSURE_KEY_PATTERN } from '../../controller/core/closures/closure-key.js';
import { resolvedSettingsSchema, schedulingConfigSchema, schedulingConfigSchemaInlined, settingsPatchSchema, type JsonSchema } from '../../controller/core/config/schemas.js';
import type { AmbiguousTimePolicy, BookedChangePolicy, BookedRemoval, ConfigScope, NonexistentTimePolicy, ResolvedSettings, UnbookedRemoval } from '../../controller/core/types.js';

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Every member of T, once: a missing member is a compile error. */
const allOf =
  <T extends string>() =>
  <const A extends readonly T[]>(...values: A & ([Exclude<T, A[number]>] extends [never] ? unknown : { missing: Exclude<T, A[number]> })): readonly string[] =>
    values;

type FieldSpec<V> = V extends boolean ? { type: 'boolean' } : V extends number ? { type: 'integer' } : V extends string ? { type: 'string'; enum: readonly string[] } : never;
type SectionSpec<S> = { [K in keyof S]-?: FieldSpec<S[K]> };
/** Mirrors ResolvedSettings: an extra or missing section or field does not compile. */
type SettingsSpec = { [S in keyof ResolvedSettings]-?: S extends 'closures' ? 'map of date to string' : SectionSpec<ResolvedSettings[S]> };

const closuresIsAMap: Equal<ResolvedSettings['closures'], Record<string, string>> = true;

const SPEC: SettingsSpec = {
  generation: { enabled: { type: 'boolean' }, horizonDays: { type: 'integer' } },
  dst: {
    nonexistentTime: { type: 'string', enum: allOf<NonexistentTimePolicy>()('shiftForward', 'skip') },
    ambiguousTime: { type: 'string', enum: allOf<AmbiguousTimePolicy>()('earlier', 'later') },
  },
  closures: 'map of date to string',
  sessionDefaults: { durationMinutes: { type: 'integer' }, capacity: { type: 'integer' } },
  removal: {
    unbooked: { type: 'string', enum: allOf<UnbookedRemoval>()('delete', 'cancel', 'keep') },
    booked: { type: 'string', enum: allOf<BookedRemoval>()('cancel', 'keep') },
    bookedChanges: { type: 'string', enum: allOf<BookedChangePolicy>()('warn', 'block') },
  },
  cleanup: { deleteSeriesAfterDays: { type: 'integer' } },
  safety: { maxRemovalsPerRun: { type: 'integer' } },
  history: { retainDays: { type: 'integer' } },
  feeds: { public: { type: 'boolean' } },
};

const SCOPE_KEYS = allOf<Exclude<ConfigScope['kind'], 'base'>>()('branch', 'series');

const props = (s: JsonSchema) => (s.properties ?? {}) as Record<string, JsonSchema>;
const sorted = (xs: readonly unknown[]) => [...xs].map(String).sort();

t.test('the resolved schema describes exactly ResolvedSettings', async (t) => {
  t.ok(closuresIsAMap);
  const schema = resolvedSettingsSchema;
  t.equal(schema.additionalProperties, false, 'no unknown sections');
  t.same(sorted(Object.keys(props(schema))), sorted(Object.keys(SPEC)), 'sections');
  t.same(sorted(schema.required as string[]), sorted(Object.keys(SPEC)), 'every section required');
  for (const [section, spec] of Object.entries(SPEC)) {
    const s = props(schema)[section];
    if (spec === 'map of date to string') {
      t.same([s.type, s.propertyNames, s.additionalProperties], ['object', { type: 'string', pattern: CLOSURE_KEY_PATTERN }, { type: 'string', minLength: 1 }], section);
      continue;
    }
    t.equal(s.type, 'object', section);
    t.equal(s.additionalProperties, false, `${section}: no unknown fields`);
    t.same(sorted(Object.keys(props(s))), sorted(Object.keys(spec)), `${section}: fields`);
    t.same(sorted(s.required as string[]), sorted(Object.keys(spec)), `${section}: every field required`);
    for (const [field, f] of Object.entries(spec as Record<string, { type: string; enum?: readonly string[] }>)) {
      const fs = props(s)[field];
      t.equal(fs.type, f.type, `${section}.${field} type`);
      t.same(sorted((fs.enum as string[] | undefined) ?? []), sorted(f.enum ?? []), `${section}.${field} enum`);
    }
  }
});

/** What the patch schema must be: the resolved schema with nothing required and null allowed below the root. */
function toPatch(schema: JsonSchema, root: boolean): JsonSchema {
  const out: JsonSchema = { ...schema };
  delete out.required;
  if (!root) {
    out.type = [schema.type, 'null'];
    if (Array.isArray(schema.enum)) out.enum = [...schema.enum, null];
  }
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(props(schema)).map(([k, v]) => [k, toPatch(v, false)]));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') out.additionalProperties = toPatch(schema.additionalProperties as JsonSchema, false);
  return out;
}

t.test('the patch schema is the resolved schema with every field optional and nullable', async (t) => {
  const strip = ({ $id: _i, title: _t, description: _d, ...rest }: JsonSchema) => rest;
  t.same(strip(settingsPatchSchema), strip(toPatch(resolvedSettingsSchema, true)));
});

t.test('the document schema: scope keys match ConfigScope, settings are the patch schema', async (t) => {
  const spec = props(props(schedulingConfigSchema).spec);
  t.same(sorted(Object.keys(props(spec.scope))), sorted(SCOPE_KEYS));
  t.same(spec.settings, { $ref: 'settings-patch.schema.json' });
});

t.test('the inlined document schema (for the CRD) has no $ref left and embeds the patch schema', async (t) => {
  const inlined = schedulingConfigSchemaInlined();
  t.notMatch(JSON.stringify(inlined), /"\$ref"/);
  const { $schema: _s, $id: _i, ...patch } = settingsPatchSchema;
  t.same(props(props(inlined).spec).settings, patch);
  t.ok(props(schedulingConfigSchema).spec, 'the exported original is not modified');
  t.same(props(props(schedulingConfigSchema).spec).settings, { $ref: 'settings-patch.schema.json' });
});
