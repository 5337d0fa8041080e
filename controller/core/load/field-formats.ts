// Formats of the fields of a load document. Pure: no I/O, no clock.

/** An identifier: a non-empty string without surrounding spaces or control characters. */
export function identifierProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `must be a string${typeof value === 'number' ? ' (quote it)' : ''}`;
  if (value.length === 0) return 'must not be empty';
  if (value.trim() !== value) return 'must not start or end with spaces';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  if (value.length > 200) return 'must be at most 200 characters';
  return null;
}

/** How a value looks in a message: strings quoted, the rest as JSON. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value instanceof Date) return `a date-time object (${value.toISOString()})`;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? text.slice(0, 77) + '...' : text;
}
