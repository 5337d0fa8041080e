// branch_sync_state records and the literals they are sent with: every value
// reads back as written on both backends, and a record is written only over
// the row the run read — otherwise the row is deleted, so the next run proves
// the branch in full.
import t from 'tap';
import { sqlText, withLiterals } from '../../controller/store/sql-literal.js';
import { readBranchSyncStates, recordBranchSync, type BranchSyncRecord } from '../../controller/store/sync-state.js';
import { eachBackend } from '../helpers/backends.js';

const awkward: Array<{ name: string; text: string }> = [
  { name: 'a single quote', text: "o'neil" },
  { name: 'a backslash before a quote', text: "\\'" },
  { name: 'backslash escapes kept as text', text: 'a\\nb\\tc\\\\' },
  { name: 'a line break and a tab', text: 'a\nb\tc' },
  { name: 'dollar quotes, a comment and a semicolon', text: '$$; -- DROP TABLE x; $tag$' },
  { name: 'an emoji and accents', text: '\u{1F9D8} Séance' },
  { name: 'the empty string', text: '' },
];

eachBackend(t, 'sqlText: every text reads back as it was', async (t, db) => {
  for (const row of awkward) {
    const [r] = await db.query<{ v: string }>(`SELECT ${sqlText(row.text)} AS v`);
    t.equal(r!.v, row.text, row.name);
  }
  const [n] = await db.query<{ v: string | null }>(`SELECT ${sqlText(null)}::text AS v`);
  t.equal(n!.v, null, 'null is NULL');
  t.throws(() => sqlText('a\u0000b'), TypeError, 'NUL cannot be sent');
});

eachBackend(t, 'withLiterals: a statement reads its values back as the parameters would give them', async (t, db) => {
  const sql = 'SELECT $1::text[] AS texts, $2::float8 AS n, $3::text AS none, $4::text || $5::text || $6::text || $7::text || $8::text || $9::text AS xs, $10::int AS tenth';
  const params = ['{"o\'neil","a\\\\b",NULL}', 1.5, null, 'x', 'x', 'x', 'x', 'x', 'x', '42'];
  const [literal] = await db.query(withLiterals(sql, params));
  const [bound] = await db.query(sql, params);
  t.same(literal, bound, '$10 is the tenth value, not $1 followed by 0');
  // (The drivers read a NULL element of text[] differently; the first two are the point.)
  t.same((literal as { texts: unknown[] }).texts.slice(0, 2), ["o'neil", 'a\\b'], 'array elements unescaped once, as the array literal says');
  const array = ["o'neil", 'a\\b', 'x,y', '{z}'];
  const [fromArray] = await db.query<{ texts: string[] }>(withLiterals('SELECT $1::text[] AS texts', [array]));
  t.same(fromArray!.texts, array, 'a JS array is written as its array literal: quotes, backslashes, commas and braces come back as they were');
  t.throws(() => withLiterals('SELECT $2', ['a']), RangeError, 'a missing value is refused');
  t.throws(() => withLiterals('SELECT $1', [{ a: 1 }]), TypeError, 'an object is not written as a literal');
});

const NOW = Date.parse('2026-11-25T15:00:00Z');
const record = (over: Partial<BranchSyncRecord> = {}): BranchSyncRecord => ({
  branchId: "o'neil\\branch",
  inputsDigest: 'abc',
  unsettled: ['s "1"', "s'2"],
  syncedNow: NOW,
  provenAt: NOW - 3_600_000,
  doubleBookings: [{ code: 'ROOM_DOUBLE_BOOKED', branchId: 'b', message: "Room \"r'1\" is booked twice", details: { roomId: "r'1" } }],
  ...over,
});

eachBackend(t, 'recordBranchSync: written over the row read, deleted when another run wrote it since', async (t, db) => {
  const first = record();
  t.equal(await recordBranchSync(db, first, null), true, 'the first record is inserted');
  const read = (await readBranchSyncStates(db, [first.branchId])).get(first.branchId)!;
  t.same({ ...read, revision: undefined }, { ...first, revision: undefined }, 'every field reads back as written');

  const cases: Array<{ name: string; basis: () => Promise<string | null>; written: boolean; rowAfter: boolean }> = [
    { name: 'over the revision it read: written', basis: async () => (await readBranchSyncStates(db, [first.branchId])).get(first.branchId)!.revision, written: true, rowAfter: true },
    { name: 'over a revision another run replaced: deleted', basis: async () => '1', written: false, rowAfter: false },
    { name: 'as a first record where another run inserted one: deleted', basis: async () => null, written: false, rowAfter: false },
  ];
  for (const c of cases) {
    if ((await readBranchSyncStates(db, [first.branchId])).size === 0) await recordBranchSync(db, first, null);
    // Make the stored revision differ from '1' so that a stale basis is stale.
    await db.query(`UPDATE branch_sync_state SET revision = revision + 5`);
    const basis = await c.basis();
    const written = await recordBranchSync(db, record({ inputsDigest: 'def', doubleBookings: null }), basis);
    t.equal(written, c.written, c.name);
    const after = (await readBranchSyncStates(db, [first.branchId])).get(first.branchId);
    t.equal(after !== undefined, c.rowAfter, `${c.name}: the row is ${c.rowAfter ? 'kept' : 'gone'}`);
    if (after) t.same([after.inputsDigest, after.doubleBookings], ['def', null], `${c.name}: the new values`);
  }
});
