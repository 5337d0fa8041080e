// PostgreSQL array literals, built here rather than by the drivers.
//
// The two drivers disagree on JS arrays as parameters: postgres.js 3.4 infers
// the parameter type from the first element, so `[true, false]` is sent as a
// scalar `bool` and `[new Date()]` as a scalar `timestamptz` (the server then
// refuses `$1::bool[]`: "cannot cast type boolean to boolean[]"), while PGlite
// 0.5 asks the server and serializes per element. Both pass a *string* through
// unchanged for an array-typed parameter. So every array parameter is encoded
// to its text literal ('{"a",NULL,"b"}') here, once, and both backends send
// exactly the same bytes.

/** An element of an array parameter. Dates are sent as ISO UTC instants. */
export type PgArrayElement = string | number | bigint | boolean | Date | null | undefined;

const NEEDS_ESCAPE = /["\\]/;

function quote(text: string): string {
  return '"' + (NEEDS_ESCAPE.test(text) ? text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : text) + '"';
}

function element(value: PgArrayElement): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`array element ${value} is not a finite number`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return quote(value.toISOString());
  // Strings are always quoted: an unquoted NULL, empty string or a value with
  // commas, braces or spaces would be read differently.
  return quote(value);
}

/**
 * The text form of a one-dimensional array: `['a', null, 'b"c']` → `{"a",NULL,"b\"c"}`.
 * Cast it in SQL with the element type: `$1::text[]`, `$2::timestamptz[]`, `$3::int[]`.
 */
export function toPgArrayLiteral(values: readonly PgArrayElement[]): string {
  if (values.length === 0) return '{}';
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (Array.isArray(v)) throw new TypeError('nested arrays are not supported as parameters; encode the inner array with toPgArrayLiteral and cast per row');
    out += element(v);
  }
  return out + '}';
}

/**
 * toPgArrayLiteral() for a text column of few distinct values (a series' id,
 * title or zone repeats for each of its sessions): each distinct value is
 * quoted once. Encoding a 240k-row create column by column was a visible
 * share of a bulk create.
 */
export function toRepeatedTextArrayLiteral(values: readonly (string | null)[]): string {
  const encoded = new Map<string | null, string>();
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let e = encoded.get(v);
    if (e === undefined) encoded.set(v, (e = element(v)));
    out += i === 0 ? e : ',' + e;
  }
  return out + '}';
}

/** Replaces every JS array among query parameters by its literal; other values pass through. */
export function encodeParams(params: readonly unknown[] | undefined): unknown[] {
  if (!params) return [];
  return params.map((p) => (Array.isArray(p) ? toPgArrayLiteral(p as PgArrayElement[]) : p));
}
