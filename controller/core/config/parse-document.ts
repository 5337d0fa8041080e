// One raw SchedulingConfig (from a YAML/JSON file or a custom resource) into a
// ConfigDocument, or every problem it has. Shared by the files and Kubernetes sources.
import { CLOSURE_KEY_FORMS, CLOSURE_KEY_PATTERN, readClosureKey } from '../closures/closure-key.js';
import { joinPointer, type Problem } from '../errors.js';
import type { ConfigDocument, ConfigScope } from '../types.js';
import { describeSchemaErrors } from './schema-errors.js';
import { API_VERSION, KIND } from './schemas.js';
import { readScope, scopeLabel, type ScopeLabel } from './scope.js';
import { documentSchemaErrors } from './validators.js';

const SETTINGS_POINTER = '/spec/settings';
const CLOSURE_KEY_SYNTAX = new RegExp(CLOSURE_KEY_PATTERN);

export interface ParsedDocument {
  /** Present only when the document is valid against the document (patch) schema. */
  document?: ConfigDocument;
  problems: Problem[];
}

/**
 * Validates the Kubernetes resource shape and `spec.settings` against the patch
 * schema, reporting all errors, not only the first. A document whose scope
 * cannot be read (not an object, wrong apiVersion/kind, bad spec.scope) gets
 * problems of scope `all`: nobody can tell which layer it meant to change, so
 * nothing may be reconciled until it is fixed.
 */
export function parseConfigDocument(raw: unknown, origin: string, index?: number): ParsedDocument {
  const name = documentName(raw, index);
  const scope = readableScope(raw);
  const label: ScopeLabel = scope ? scopeLabel(scope) : 'all';
  const base = { scope: label, document: name, origin, severity: 'error' as const };

  if (!isObject(raw)) {
    const found = raw === null ? 'null' : Array.isArray(raw) ? 'a list' : `a ${typeof raw}`;
    return {
      problems: [{ ...base, code: 'CONFIG_SHAPE', pointer: '', message: `Expected a SchedulingConfig object (apiVersion: ${API_VERSION}, kind: ${KIND}, metadata, spec), found ${found}.` }],
    };
  }

  const errors = documentSchemaErrors(raw);
  const keyProblems = closureKeyProblems(raw, base);
  if (errors.length === 0 && keyProblems.length === 0 && scope) {
    const metadata = raw.metadata as Record<string, unknown>;
    const spec = raw.spec as Record<string, unknown>;
    const document: ConfigDocument = {
      name: metadata.name as string,
      origin,
      scope,
      settings: structuredClone(spec.settings as Record<string, unknown>),
    };
    if (index !== undefined) document.index = index;
    if (typeof metadata.generation === 'number') document.generation = metadata.generation;
    if (isObject(spec.holidayCalendars)) document.holidayCalendars = { ...(spec.holidayCalendars as Record<string, string>) };
    return { document, problems: [] };
  }

  const problems: Problem[] = describeSchemaErrors(errors, '', 'CONFIG_SCHEMA').map((f) => ({
    ...base,
    // Settings errors are schema violations; everything around them is the resource shape.
    code: f.code === 'CONFIG_UNKNOWN_FIELD' || isUnder(f.pointer, SETTINGS_POINTER) ? f.code : 'CONFIG_SHAPE',
    pointer: f.pointer,
    message: headerMessage(raw, name, f.pointer) ?? f.message,
  }));
  problems.push(...keyProblems);
  return { problems };
}

/**
 * Closure keys the schema's pattern lets through but the calendar does not
 * (2026-02-30, a range that ends before it starts, 25:00, an end before the start).
 */
function closureKeyProblems(raw: Record<string, unknown>, base: Omit<Problem, 'code' | 'pointer' | 'message'>): Problem[] {
  const spec = raw.spec;
  const settings = isObject(spec) ? spec.settings : undefined;
  const closures = isObject(settings) ? settings.closures : undefined;
  if (!isObject(closures)) return [];
  const problems: Problem[] = [];
  for (const key of Object.keys(closures)) {
    // A key the schema's pattern already refused is reported once, by the schema.
    if (!CLOSURE_KEY_SYNTAX.test(key)) continue;
    const read = readClosureKey(key);
    if (read.ok) continue;
    problems.push({
      ...base,
      code: 'CONFIG_SCHEMA',
      pointer: `${SETTINGS_POINTER}/closures${joinPointer(key)}`,
      message: `Closure "${key}": ${read.why}. Write ${CLOSURE_KEY_FORMS}.`,
    });
  }
  return problems;
}

/** apiVersion and kind: a sentence naming the document, the field and the one value classctl reads. */
function headerMessage(raw: Record<string, unknown>, name: string, pointer: string): string | undefined {
  const field = pointer === '/apiVersion' ? 'apiVersion' : pointer === '/kind' ? 'kind' : undefined;
  if (field === undefined) return undefined;
  const expected = field === 'apiVersion' ? API_VERSION : KIND;
  const found = raw[field] === undefined ? 'it is missing' : `found ${JSON.stringify(raw[field])}`;
  return `Document "${name}": ${field} must be "${expected}", ${found}. Set ${field}: ${expected}; classctl reads no other.`;
}

/** The scope, when the document is recognisably a SchedulingConfig and its spec.scope is valid. */
function readableScope(raw: unknown): ConfigScope | undefined {
  // A SchedulingConfig of a wrong apiVersion with a readable spec.scope still
  // says which scope it meant: that scope is blocked, not every scope. Another
  // kind is not a SchedulingConfig at all, so its spec.scope means nothing.
  if (!isObject(raw) || raw.kind !== KIND || !isObject(raw.spec)) return undefined;
  return readScope(raw.spec.scope);
}

/** metadata.name, or a label that still finds the document in its file. */
function documentName(raw: unknown, index: number | undefined): string {
  const name = isObject(raw) && isObject(raw.metadata) ? raw.metadata.name : undefined;
  if (typeof name === 'string' && name.length > 0) return name;
  return index === undefined ? '(unnamed)' : `(unnamed document #${index + 1})`;
}

function isUnder(pointer: string, prefix: string): boolean {
  return pointer === prefix || pointer.startsWith(prefix + '/');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
