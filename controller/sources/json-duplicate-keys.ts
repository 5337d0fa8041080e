// JSON.parse keeps the last of two equal keys in an object without a word, so
// `{"generation":{…},"generation":{…}}` would silently drop half of a layer.
// This scan finds the first duplicate key of a text JSON.parse has already
// accepted. A small scanner rather than the `yaml` parser with `uniqueKeys`:
// that parser is ~50 times slower than JSON.parse on a large file, and this
// scan is one pass over the characters with a set of keys per open object.

export interface DuplicateKey {
  key: string;
  /** RFC 6901 pointer of the repeated member (`/spec/settings/generation`). */
  pointer: string;
  /** 1-based position of the second occurrence. */
  line: number;
  column: number;
}

type Frame = { object: true; keys: Set<string>; expectKey: boolean; key: string } | { object: false; index: number };

const QUOTE = 34; // "
const BACKSLASH = 92;

function token(text: string): string {
  return text.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The first key that appears twice in one object of `text`, or null. `text` must be valid JSON. */
export function findDuplicateJsonKey(text: string): DuplicateKey | null {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // The closing quote is the next one not escaped by an odd run of backslashes.
      let end = text.indexOf('"', i + 1);
      while (end > 0) {
        let slashes = 0;
        for (let k = end - 1; text.charCodeAt(k) === BACKSLASH; k--) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end < 0) return null; // not JSON after all; JSON.parse has said so
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        const raw = text.slice(i, end + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys.has(key)) return { key, pointer: pointerOf(stack, key), ...lineAndColumn(text, i) };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === 123 /* { */) {
      stack.push({ object: true, keys: new Set(), expectKey: true, key: '' });
    } else if (c === 91 /* [ */) {
      stack.push({ object: false, index: 0 });
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
    } else if (c === 44 /* , */) {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
      else if (top) top.index++;
    }
  }
  return null;
}

function pointerOf(stack: Frame[], key: string): string {
  const tokens = stack.slice(0, -1).map((f) => (f.object ? token(f.key) : String(f.index)));
  return [...tokens, token(key)].map((t) => '/' + t).join('');
}

function lineAndColumn(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}
