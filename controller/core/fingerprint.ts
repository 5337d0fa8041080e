// A 64-bit fingerprint of a sequence of values, fed one value at a time.
//
// Nothing is concatenated, encoded or copied: the UTF-16 code units go, two
// at a time, straight into two 32-bit lanes (multiply-xor steps with
// different odd multipliers, as cyrb53 has them), which a final avalanche
// mixes into each other. A run fingerprints the inputs of every branch, ~15
// values per series: as one md5 over a text built per branch, those texts
// were ~94 MB of the ~975 MB a 100,000-series day roll allocated.
//
// Not cryptographic. It tells whether inputs changed since a recorded run; a
// collision (about 2^-64 for two different inputs) would only leave a change
// unnoticed until the branch's next full proof.

// Tags fed before a value that is not a text. A text is fed as its length
// (below 2^31) and its code units, so no tag can be read as one, and no two
// different sequences of values feed the same units.
const NULL_TAG = 0x8000_0001;
const UNDEFINED_TAG = 0x8000_0002;
const INTEGER_TAG = 0x8000_0003;
const OTHER_TAG = 0x8000_0004;

export class Fingerprint {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  private unit(u: number): void {
    this.h1 = Math.imul(this.h1 ^ u, 2654435761);
    this.h2 = Math.imul(this.h2 ^ u, 1597334677);
  }

  text(value: string): this {
    let h1 = Math.imul(this.h1 ^ value.length, 2654435761);
    let h2 = Math.imul(this.h2 ^ value.length, 1597334677);
    // Two code units a step (the steps of unit(), inlined: this loop is the
    // hot part). Past the end charCodeAt() is NaN, which shifts to 0, and the
    // length fed first tells where the text ends.
    for (let i = 0; i < value.length; i += 2) {
      const u = value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16);
      h1 = Math.imul(h1 ^ u, 2654435761);
      h2 = Math.imul(h2 ^ u, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  /** Any value: a text, null, undefined, a 32-bit integer as itself; anything else as its String(). */
  value(value: unknown): this {
    if (typeof value === 'string') return this.text(value);
    if (value === null) this.unit(NULL_TAG);
    else if (value === undefined) this.unit(UNDEFINED_TAG);
    else if (typeof value === 'number' && (value | 0) === value && !Object.is(value, -0)) {
      this.unit(INTEGER_TAG);
      this.unit(value);
    } else {
      this.unit(OTHER_TAG);
      this.text(String(value));
    }
    return this;
  }

  /** The fingerprint of everything fed so far, as 16 hex digits. */
  digest(): string {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
  }
}
