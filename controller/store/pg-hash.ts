// PostgreSQL's own 64-bit hash functions (hashtextextended, hashint4extended,
// hashint8extended and timestamp_hash_extended: Bob Jenkins' lookup3, as
// src/common/hashfn.c has it), computed here exactly as a little-endian server
// computes them. A series digest sums a hash per session, so the database
// needs no sort and no text per row to summarize a series, and this process
// computes the same sums over the sessions it wants (series-digests.ts).
//
// A server whose hashes differ (a big-endian machine, say) makes every digest
// differ: its series are read in full, which is slower and never wrong.
//
// A hash is two unsigned 32-bit halves, as PostgreSQL's uint64 result read as
// ((b << 32) | c); a seed the same. Plain numbers, not BigInt: a run hashes
// hundreds of thousands of sessions.

/** A 64-bit value as its high and low unsigned 32-bit halves. */
export interface Hash64 {
  hi: number;
  lo: number;
}

// The three words of lookup3's state, kept module-wide: the functions below
// are synchronous and never re-entered.
let a = 0;
let b = 0;
let c = 0;

const rot = (x: number, k: number) => (x << k) | (x >>> (32 - k));

function mix(): void {
  a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0;
  a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0;
}

function final(): void {
  c ^= b; c = (c - rot(b, 14)) | 0;
  a ^= c; a = (a - rot(c, 11)) | 0;
  b ^= a; b = (b - rot(a, 25)) | 0;
  c ^= b; c = (c - rot(b, 16)) | 0;
  a ^= c; a = (a - rot(c, 4)) | 0;
  b ^= a; b = (b - rot(a, 14)) | 0;
  c ^= b; c = (c - rot(b, 24)) | 0;
}

function start(length: number, seedHi: number, seedLo: number): void {
  a = b = c = (0x9e3779b9 + length + 3923095) | 0;
  if (seedHi !== 0 || seedLo !== 0) {
    a = (a + seedHi) | 0;
    b = (b + seedLo) | 0;
    mix();
  }
}

// Each function below leaves its hash in the state, as b (high half) and c
// (low half): chained hashes and a digest's hundreds of thousands of sessions
// then allocate nothing.
const result = (): Hash64 => ({ hi: b >>> 0, lo: c >>> 0 });

/** Bytes i..i+3 of `k` as a little-endian word (missing bytes count as 0). */
function word(k: Uint8Array, i: number, n: number): number {
  let w = 0;
  for (let j = Math.min(n, 4) - 1; j >= 0; j--) w = (w << 8) | k[i + j]!;
  return w;
}

/** hash_bytes_extended(): hashtextextended() of a text is this over its UTF-8 bytes. */
function bytesHash(k: Uint8Array, length: number, seedHi: number, seedLo: number): void {
  start(length, seedHi, seedLo);
  let i = 0;
  let left = length;
  while (left >= 12) {
    a = (a + word(k, i, 4)) | 0;
    b = (b + word(k, i + 4, 4)) | 0;
    c = (c + word(k, i + 8, 4)) | 0;
    mix();
    i += 12;
    left -= 12;
  }
  // The last 11 bytes: the lowest byte of c is left out (lookup3 reserves it for the length).
  if (left > 8) c = (c + (word(k, i + 8, left - 8) << 8)) | 0;
  if (left > 4) b = (b + word(k, i + 4, left - 4)) | 0;
  if (left > 0) a = (a + word(k, i, left)) | 0;
  final();
}

const encoder = new TextEncoder();
let textBytes = new Uint8Array(256);

function textHash(text: string, seedHi: number, seedLo: number): void {
  const length = text.length;
  let ascii = true;
  for (let i = 0; i < length && ascii; i++) ascii = text.charCodeAt(i) <= 0x7f;
  if (!ascii) {
    const bytes = encoder.encode(text);
    return bytesHash(bytes, bytes.length, seedHi, seedLo);
  }
  if (textBytes.length < length) textBytes = new Uint8Array(length * 2);
  for (let i = 0; i < length; i++) textBytes[i] = text.charCodeAt(i);
  bytesHash(textBytes, length, seedHi, seedLo);
}

/** hash_bytes_uint32_extended(): hashint4extended() of an int4 is this of its bits. */
function uint32Hash(k: number, seedHi: number, seedLo: number): void {
  start(4, seedHi, seedLo);
  a = (a + k) | 0;
  final();
}

/** hashint8extended(): PostgreSQL folds the high half into the low one, complemented for a negative value. */
function int8Hash(hi: number, lo: number, seedHi: number, seedLo: number): void {
  uint32Hash((lo ^ ((hi | 0) < 0 ? ~hi : hi)) >>> 0, seedHi, seedLo);
}

/** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;

/** timestamp_hash_extended() of an instant of whole milliseconds: hashint8extended() of its microseconds since 2000. */
function instantHash(ms: number, seedHi: number, seedLo: number): void {
  // Exact in a double: |micros| < 2^53 for every year PostgreSQL stores.
  const micros = (ms - PG_EPOCH_MS) * 1000;
  const hi = Math.floor(micros / TWO_32);
  int8Hash(hi | 0, (micros - hi * TWO_32) >>> 0, seedHi, seedLo);
}

/** hashtextextended(text, seed) under a deterministic collation (UTF-8 bytes). */
export function hashText(text: string, seed: Hash64): Hash64 {
  textHash(text, seed.hi, seed.lo);
  return result();
}

/** hashint4extended(): of an int4 given as its unsigned bits. */
export function hashUint32(k: number, seed: Hash64): Hash64 {
  uint32Hash(k, seed.hi, seed.lo);
  return result();
}

/** hashint8extended() of a signed 64-bit integer given as its halves (hi signed or unsigned). */
export function hashInt8(hi: number, lo: number, seed: Hash64): Hash64 {
  int8Hash(hi, lo, seed.hi, seed.lo);
  return result();
}

/** timestamp_hash_extended() of `ts AT TIME ZONE 'UTC'`, for an instant of whole milliseconds. */
export function hashInstant(ms: number, seed: Hash64): Hash64 {
  instantHash(ms, seed.hi, seed.lo);
  return result();
}

/**
 * hashtextextended(key, 0) of occurrence keys already seen. Keys are local
 * dates: a run's sessions share a few hundred of them, so each is hashed once.
 */
const keyHashes = new Map<string, Hash64>();
const KEY_HASHES_LIMIT = 10_000;

/**
 * Into `out`: timestamp_hash_extended(starts, timestamp_hash_extended(ends,
 * hashtextextended(key, 0))) — a session's line in a series digest — without
 * allocating.
 */
export function sessionLineHash(startsMs: number, endsMs: number, key: string, out: Hash64): void {
  let keyHash = keyHashes.get(key);
  if (keyHash === undefined) {
    if (keyHashes.size >= KEY_HASHES_LIMIT) keyHashes.clear();
    textHash(key, 0, 0);
    keyHashes.set(key, (keyHash = result()));
  }
  instantHash(endsMs, keyHash.hi, keyHash.lo);
  instantHash(startsMs, b >>> 0, c >>> 0);
  out.hi = b >>> 0;
  out.lo = c >>> 0;
}

/** A hash as the signed bigint PostgreSQL returns it. */
export function signedHash(h: Hash64): bigint {
  return BigInt.asIntN(64, (BigInt(h.hi) << 32n) | BigInt(h.lo));
}
