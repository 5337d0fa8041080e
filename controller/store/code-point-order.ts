// The order of `COLLATE "C"` (UTF-8 bytes, which is code point order) for
// rows the database sends unsorted and this process sorts.

/**
 * Compares two texts by code point. UTF-16 code units order the same way
 * except that a surrogate (half of a character from U+10000 up) sorts
 * before U+E000–U+FFFF, where its character sorts after them.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return codePointRank(x) - codePointRank(y);
    return x - y;
  }
  return a.length - b.length;
}

/** Surrogates moved above U+E000–U+FFFF, which move down to make room. */
const codePointRank = (unit: number) => (unit < 0xe000 ? unit + 0x2000 : unit - 0x800);

/**
 * Sorts by `id` in code point order, in place. The engine's own comparison
 * of code units is much faster and agrees unless an id holds a unit from
 * U+D800 up, which is checked first.
 */
export function sortByIdInCodePointOrder<T extends { id: string }>(rows: T[]): T[] {
  if (rows.some((r) => HIGH_UNIT.test(r.id))) return rows.sort((a, b) => compareCodePoints(a.id, b.id));
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const HIGH_UNIT = /[\ud800-\uffff]/;
