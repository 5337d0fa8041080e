// pg-hash.ts computes PostgreSQL's 64-bit hash functions in this process; a
// series digest is only cheap when both sides agree bit for bit. Each row is
// asked of the database itself, on both backends: any difference would send
// every series of every run to a full read.
import t from 'tap';
import { hashInstant, hashInt8, hashText, hashUint32, sessionLineHash, signedHash, type Hash64 } from '../../controller/store/pg-hash.js';
import { eachBackend } from '../helpers/backends.js';

const seedOf = (seed: bigint): Hash64 => {
  const u = BigInt.asUintN(64, seed);
  return { hi: Number(u >> 32n), lo: Number(u & 0xffff_ffffn) };
};
const halvesOf = (value: bigint): [number, number] => {
  const u = BigInt.asUintN(64, value);
  return [Number(u >> 32n), Number(u & 0xffff_ffffn)];
};

const SEEDS: Array<{ name: string; seed: bigint }> = [
  { name: 'seed 0 (no seed mixing)', seed: 0n },
  { name: 'seed 1', seed: 1n },
  { name: 'seed -1 (every bit set)', seed: -1n },
  { name: 'a seed with both halves set', seed: 123_456_789_012_345n },
];

const TEXTS: Array<{ name: string; text: string }> = [
  { name: 'the empty text', text: '' },
  ...Array.from({ length: 13 }, (_, n) => ({ name: `${n + 1} ASCII bytes (every tail length of a 12-byte block)`, text: 'abcdefghijklm'.slice(0, n + 1) })),
  { name: 'an occurrence key', text: '2026-03-29' },
  { name: 'two whole blocks', text: 'series-000001-branch-007' },
  { name: 'two-byte UTF-8 (ß, ü)', text: 'Yoga für Anfänger ß' },
  { name: 'three-byte UTF-8 (日本語)', text: '日本語のクラス' },
  { name: 'a four-byte emoji', text: 'Spin 🚴' },
  { name: 'a quote and a backslash', text: "O'Brien \\ studio" },
];

const INT8S: Array<{ name: string; value: bigint }> = [
  { name: '0', value: 0n },
  { name: '-1 (high half folded complemented)', value: -1n },
  { name: '2^40', value: 2n ** 40n },
  { name: '-(2^40) - 5', value: -(2n ** 40n) - 5n },
  { name: 'the largest int8', value: 2n ** 63n - 1n },
  { name: 'the smallest int8', value: -(2n ** 63n) },
];

const INT4S = [0, 1, -1, 12, 2_147_483_647, -2_147_483_648];

const INSTANTS: Array<{ name: string; iso: string }> = [
  { name: 'an instant after 2000 (positive microseconds)', iso: '2026-03-03T11:00:00.000Z' },
  { name: 'the last millisecond before 2000 (negative microseconds)', iso: '1999-12-31T23:59:59.999Z' },
  { name: 'the Unix epoch', iso: '1970-01-01T00:00:00.000Z' },
  { name: 'an instant past 2038 with milliseconds', iso: '2100-06-30T12:34:56.789Z' },
];

eachBackend(t, 'the hashes computed here are the database\'s', async (t, db) => {
  for (const { name: seedName, seed } of SEEDS) {
    for (const { name, text } of TEXTS) {
      const [row] = await db.query<{ h: string }>('SELECT hashtextextended($1::text, $2::bigint)::text AS h', [text, seed.toString()]);
      t.equal(signedHash(hashText(text, seedOf(seed))).toString(), row!.h, `hashtextextended: ${name}, ${seedName}`);
    }
    for (const { name, value } of INT8S) {
      const [row] = await db.query<{ h: string }>('SELECT hashint8extended($1::bigint, $2::bigint)::text AS h', [value.toString(), seed.toString()]);
      const [hi, lo] = halvesOf(value);
      t.equal(signedHash(hashInt8(hi, lo, seedOf(seed))).toString(), row!.h, `hashint8extended: ${name}, ${seedName}`);
    }
    for (const value of INT4S) {
      const [row] = await db.query<{ h: string }>('SELECT hashint4extended($1::int, $2::bigint)::text AS h', [value, seed.toString()]);
      t.equal(signedHash(hashUint32(value >>> 0, seedOf(seed))).toString(), row!.h, `hashint4extended: ${value}, ${seedName}`);
    }
    for (const { name, iso } of INSTANTS) {
      const [row] = await db.query<{ h: string }>(`SELECT timestamp_hash_extended($1::timestamptz AT TIME ZONE 'UTC', $2::bigint)::text AS h`, [iso, seed.toString()]);
      t.equal(signedHash(hashInstant(Date.parse(iso), seedOf(seed))).toString(), row!.h, `timestamp_hash_extended: ${name}, ${seedName}`);
    }
  }
});

eachBackend(t, "a session's digest line is the database's chain of hashes, computed without allocating", async (t, db) => {
  const out: Hash64 = { hi: 0, lo: 0 };
  for (const { name, iso } of INSTANTS) {
    for (const key of ['2026-03-29', 'hand-made key ü']) {
      const startsMs = Date.parse(iso);
      const endsMs = startsMs + 3_600_000;
      const [row] = await db.query<{ h: string }>(
        `SELECT timestamp_hash_extended($1::timestamptz AT TIME ZONE 'UTC', timestamp_hash_extended($2::timestamptz AT TIME ZONE 'UTC', hashtextextended($3::text, 0)))::text AS h`,
        [iso, new Date(endsMs).toISOString(), key],
      );
      sessionLineHash(startsMs, endsMs, key, out);
      t.equal(signedHash(out).toString(), row!.h, `${name}, key ${JSON.stringify(key)}`);
    }
  }
});
