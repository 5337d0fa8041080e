// Turns ajv's errors into what a user can act on: a stable code, a JSON pointer
// into the document, and a sentence that says what to change.
import type { ErrorCode } from '../errors.js';
import { joinPointer } from '../errors.js';
import { CLOSURE_KEY_FORMS } from '../closures/closure-key.js';
import type { SchemaError } from './validators.js';

export interface SchemaFinding {
  code: ErrorCode;
  /** RFC 6901 pointer from the document root. */
  pointer: string;
  message: string;
}

/**
 * `prefix` is the pointer of the validated value inside the document ('' for a
 * whole document, `/spec/settings` for merged settings). `fallbackCode` is the
 * code of every error that is not an unknown field.
 */
export function describeSchemaErrors(
  errors: SchemaError[],
  prefix: string,
  fallbackCode: ErrorCode,
  missingMessage: (field: string) => string = (field) => `Required field "${field}" is missing; add it.`,
): SchemaFinding[] {
  const findings: SchemaFinding[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // A propertyNames failure is reported twice by ajv: once by the inner keyword
    // (with `propertyName`), once as a wrapper. Keep the specific one.
    if (e.keyword === 'propertyNames') continue;
    const finding = describeOne(e, prefix, fallbackCode, missingMessage);
    const key = `${finding.pointer}\u0000${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}

function describeOne(e: SchemaError, prefix: string, fallbackCode: ErrorCode, missingMessage: (field: string) => string): SchemaFinding {
  const at = prefix + e.instancePath;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      const guess = closestName(name, allowed);
      return {
        code: 'CONFIG_UNKNOWN_FIELD',
        pointer: at + joinPointer(name),
        message:
          `Unknown field "${name}"${guess ? `: did you mean "${guess}"?` : '.'} ` +
          (allowed.length ? `Allowed here: ${allowed.join(', ')}.` : 'No other fields are allowed here.') +
          ' Remove it or correct its spelling.',
      };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      return { code: fallbackCode, pointer: at + joinPointer(missing), message: missingMessage(missing) };
    }
    case 'format': {
      // Only closure keys carry a format (date) in our schemas.
      const name = e.propertyName ?? '';
      return {
        code: fallbackCode,
        pointer: at + (e.propertyName === undefined ? '' : joinPointer(name)),
        message: `"${name}" is not a calendar date: closure keys are local dates YYYY-MM-DD (e.g. "2026-12-25") that exist in the calendar.`,
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const values = allowed.filter((v) => v !== null).map((v) => String(v));
      const canDelete = allowed.includes(null);
      return {
        code: fallbackCode,
        pointer: at,
        message: `${show(e.data)} is not allowed; use one of: ${values.join(', ')}${canDelete ? ' (or null to drop this layer\'s value and inherit the one below)' : ''}.`,
      };
    }
    case 'const':
      return { code: fallbackCode, pointer: at, message: `Must be "${String(params.allowedValue)}", found ${show(e.data)}.` };
    case 'type': {
      const types = ([] as string[]).concat(params.type as string | string[]);
      return { code: fallbackCode, pointer: at, message: `Must be ${types.map(article).join(' or ')}, found ${show(e.data)}.` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { code: fallbackCode, pointer: at, message: `${show(e.data)} is out of range: must be ${String(params.comparison)} ${String(params.limit)}.` };
    case 'minLength':
      return { code: fallbackCode, pointer: at, message: Number(params.limit) === 1 ? 'Must not be empty.' : `Must be at least ${String(params.limit)} characters long.` };
    case 'maxLength':
      return { code: fallbackCode, pointer: at, message: `Must be at most ${String(params.limit)} characters long.` };
    case 'pattern':
      // Only closure keys are checked by a propertyNames pattern in our schemas.
      if (e.propertyName !== undefined) {
        return {
          code: fallbackCode,
          pointer: at + joinPointer(e.propertyName),
          message: `Closure "${e.propertyName}" is not a closure key: write ${CLOSURE_KEY_FORMS}.`,
        };
      }
      if (at === '/metadata/name') {
        return {
          code: fallbackCode,
          pointer: at,
          message: `${show(e.data)} is not a valid Kubernetes object name: use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. "branch-downtown").`,
        };
      }
      return { code: fallbackCode, pointer: at, message: `${show(e.data)} must match ${String(params.pattern)}.` };
    case 'maxProperties':
      if (at === '/spec/scope') {
        return {
          code: fallbackCode,
          pointer: at,
          message: `A scope names one layer: {} for the base, {branch: ID} or {series: ID}; this one names ${Object.keys(e.data as object).join(' and ')}. Use one document per scope.`,
        };
      }
      return { code: fallbackCode, pointer: at, message: `Must have at most ${String(params.limit)} fields.` };
    default:
      return { code: fallbackCode, pointer: at, message: `${e.message ?? 'is invalid'}.` };
  }
}

function article(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array ${truncate(JSON.stringify(value))}`;
  if (value !== null && typeof value === 'object') return 'an object';
  return truncate(JSON.stringify(value));
}

function truncate(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** The allowed name a misspelt field most likely meant (case slip or up to two edits). */
export function closestName(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
