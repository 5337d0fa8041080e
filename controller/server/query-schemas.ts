// JSON-schema pieces the console's query strings share. Fastify validates
// them before a handler runs; an unknown parameter is a 400, not ignored.

/** An ISO instant with an explicit zone, as `reconcile --now` takes: never ambiguous. */
export const ISO_INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})$';

/** A local date; whether it is a real calendar date is checked by the handler. */
export const LOCAL_DATE = '^\\d{4}-\\d{2}-\\d{2}$';

/**
 * An id (branch, series, room, instructor): no control characters (load
 * refuses them; a NUL byte would reach PostgreSQL as an invalid text).
 */
export const ID = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' } as const;

/** A parameter that may be repeated (`?room=a&room=b`): one value or several. */
export function repeatable(maxItems: number) {
  return { anyOf: [ID, { type: 'array', items: ID, minItems: 1, maxItems }] } as const;
}

/** The values of a repeatable parameter as a list (empty when it is absent). */
export function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** An opaque pagination cursor, as a previous response's `nextCursor` gave it. */
export const CURSOR = { type: 'string', minLength: 1, maxLength: 600, pattern: '^[A-Za-z0-9_-]+$' } as const;

/** A cursor's JSON payload, base64url: opaque to clients, so its shape may change. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(text: string, valid: (v: unknown) => v is T): T | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return valid(v) ? v : null;
  } catch {
    return null;
  }
}
