// The database interface: both backends take the same parameters and return
// the same JS values; the embedded database is locked against a second opener.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../controller/store/database.js';
import { toPgArrayLiteral } from '../../controller/store/pg-array.js';
import { describePostgresUrl } from '../../controller/store/database-location.js';
import { forEachBackend } from './helpers.js';

const literalCases: Array<{ name: string; values: Parameters<typeof toPgArrayLiteral>[0]; literal: string }> = [
  { name: 'empty', values: [], literal: '{}' },
  { name: 'strings are always quoted', values: ['a', 'b c', 'x,y'], literal: '{"a","b c","x,y"}' },
  { name: 'quotes and backslashes are escaped', values: ['say "hi"', 'C:\\dir'], literal: '{"say \\"hi\\"","C:\\\\dir"}' },
  { name: 'null and undefined are NULL; the string NULL is a string', values: [null, undefined, 'NULL', ''], literal: '{NULL,NULL,"NULL",""}' },
  { name: 'booleans, numbers, bigints', values: [true, false, 12, -3.5, 9007199254740993n], literal: '{t,f,12,-3.5,9007199254740993}' },
  { name: 'dates are ISO instants', values: [new Date(Date.UTC(2026, 10, 25, 15))], literal: '{"2026-11-25T15:00:00.000Z"}' },
];

t.test('toPgArrayLiteral', async (t) => {
  for (const c of literalCases) t.equal(toPgArrayLiteral(c.values), c.literal, c.name);
  t.throws(() => toPgArrayLiteral([Number.NaN]), /not a finite number/);
});

t.test('describe never shows credentials', async (t) => {
  t.equal(describePostgresUrl('postgres://app:s3cret@db.internal:6543/gyms?sslmode=require'), 'postgres://db.internal:6543/gyms');
  t.equal(describePostgresUrl('postgresql://app@localhost/gyms'), 'postgres://localhost:5432/gyms');
});

interface ValueCase {
  name: string;
  sql: string;
  params: unknown[];
  expected: unknown;
}

const valueCases: ValueCase[] = [
  { name: 'a date is a YYYY-MM-DD string', sql: `SELECT '2027-03-14'::date AS v`, params: [], expected: '2027-03-14' },
  { name: 'a date array is strings', sql: `SELECT ARRAY['2026-12-28'::date, '2027-01-04'] AS v`, params: [], expected: ['2026-12-28', '2027-01-04'] },
  { name: 'bigint is a decimal string', sql: `SELECT 9007199254740993::int8 AS v`, params: [], expected: '9007199254740993' },
  { name: 'an int is a number', sql: `SELECT 12::int AS v`, params: [], expected: 12 },
  { name: 'a float8 is a number', sql: `SELECT 1.5::float8 AS v`, params: [], expected: 1.5 },
  { name: 'a bool is a boolean', sql: `SELECT true AS v`, params: [], expected: true },
  { name: 'timestamptz is a Date at the same instant', sql: `SELECT '2026-11-01T05:30:00Z'::timestamptz AS v`, params: [], expected: new Date('2026-11-01T05:30:00Z') },
  { name: 'a JSON string parameter is JSON text (not encoded twice)', sql: `SELECT $1::jsonb AS v`, params: ['{"a":1}'], expected: { a: 1 } },
  { name: 'a JSON object parameter is encoded', sql: `SELECT $1::jsonb AS v`, params: [{ a: [1, null] }], expected: { a: [1, null] } },
  { name: 'a bool array with NULL', sql: `SELECT array_to_json($1::bool[])::text AS v`, params: [[true, null, false]], expected: '[true,null,false]' },
  { name: 'a timestamptz array of Dates and ISO strings', sql: `SELECT array_to_json($1::timestamptz[] )::text AS v`, params: [[new Date(0), null, '2026-11-25T15:00:00Z']], expected: '["1970-01-01T00:00:00+00:00",null,"2026-11-25T15:00:00+00:00"]' },
  { name: 'a text array with quotes, NULL and "NULL"', sql: `SELECT array_to_json($1::text[])::text AS v`, params: [['a"b', null, 'NULL', '']], expected: '["a\\"b",null,"NULL",""]' },
  { name: 'an int array with NULL', sql: `SELECT array_to_json($1::int[])::text AS v`, params: [[1, null, 3]], expected: '[1,null,3]' },
];

t.test('both backends give the same values', async (t) => {
  forEachBackend(t, valueCases, async (t, db, c) => {
    const [row] = await db.query<{ v: unknown }>(c.sql, c.params);
    t.strictSame(row!.v, c.expected);
  });
});

t.test('a transaction rolls back when its function throws', async (t) => {
  forEachBackend(t, [{ name: 'rollback' }], async (t, db) => {
    await t.rejects(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO controller_settings (key, value) VALUES ('k', 'v')`);
        throw new Error('boom');
      }),
      /boom/,
    );
    t.strictSame(await db.query(`SELECT * FROM controller_settings`), []);
    t.equal(await db.transaction(async (tx) => (await tx.query<{ n: number }>(`SELECT 1 AS n`))[0]!.n), 1, 'returns the function result');
  });
});

t.test('the embedded database refuses a second opener', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'classctl-lock-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'pgdata');
  const db = await openDatabase({ dataDir });
  t.equal(db.describe(), `embedded:${dataDir}`);
  await t.rejects(openDatabase({ dataDir }), { code: 'DB_ERROR', message: /in use by process \d+/ });
  await db.query(`INSERT INTO controller_settings (key, value) VALUES ('k', 'kept')`);
  await db.close();
  t.notOk(existsSync(`${dataDir}.lock`), 'close releases the lock');

  // A lock left by a process that is gone is taken over (2^22 + 1 is above any Linux pid_max).
  writeFileSync(`${dataDir}.lock`, '4194305');
  const again = await openDatabase({ dataDir });
  t.teardown(() => again.close());
  t.strictSame(await again.query(`SELECT value FROM controller_settings`), [{ value: 'kept' }], 'file-backed: the data survived');
});

t.test('mapRows converts every row, in the order of the statement, on both backends', async (t) => {
  const cases = [
    { name: 'no row gives an empty list', to: 0 },
    { name: 'one row', to: 1 },
    { name: 'more rows than one network read holds keep their order', to: 20_000 },
  ];
  forEachBackend(t, cases, async (t, db, c) => {
    const seen: number[] = [];
    const mapped = await db.mapRows<{ n: number }, string>('SELECT n FROM generate_series(1, $1::int) AS n ORDER BY n', [c.to], (row) => {
      seen.push(row.n);
      return `#${row.n}`;
    });
    t.equal(mapped.length, c.to, 'one value per row');
    t.same(mapped.slice(0, 2), ['#1', '#2'].slice(0, c.to), 'the first rows, converted');
    t.equal(mapped[c.to - 1], c.to > 0 ? `#${c.to}` : undefined, 'the last row, converted');
    t.ok(seen.every((n, i) => n === i + 1), 'rows reach the conversion in order');
  });
});

t.test('a conversion that throws fails the read, and the database stays usable', async (t) => {
  forEachBackend(t, [{ name: 'throwing conversion' }], async (t, db) => {
    await t.rejects(
      db.mapRows<{ n: number }, number>('SELECT n FROM generate_series(1, 5000) AS n', [], (row) => {
        if (row.n === 3000) throw new Error('row 3000 is not a series');
        return row.n;
      }),
      { message: 'row 3000 is not a series' },
    );
    const [row] = await db.query<{ one: number }>('SELECT 1 AS one');
    t.equal(row!.one, 1, 'the next statement runs');
  });
});
