import postgres from 'postgres';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { openDatabase } from './controller/store/database.js';
import { migrate } from './controller/store/migrate.js';
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
await admin.unsafe('DROP DATABASE IF EXISTS classctl_bench'); await admin.unsafe('CREATE DATABASE classctl_bench'); await admin.end();
const url = 'postgres://postgres@127.0.0.1:5432/classctl_bench';
const db = await openDatabase({ url }); await migrate(db);
const n = 240_000; const base = Date.parse('2027-01-01T14:00:00Z');
const mk = (i: number) => [`series-${i % 10000}`, `b${i % 50}`, `2027-${String(i).padStart(6, '0')}`, 'Yoga Flow', new Date(base + i * 60000).toISOString(), new Date(base + i * 60000 + 3600000).toISOString(), 'America/New_York', 'ana', 'studio-a', 20] as const;
const { writeSessionChanges } = await import('./controller/store/sessions.js');
const changes = Array.from({ length: n }, (_, i) => { const r = mk(i); const d = { seriesId: r[0], branchId: r[1], occurrenceKey: r[2], title: r[3], startsAt: Date.parse(r[4]), endsAt: Date.parse(r[5]), timezone: r[6], instructorId: r[7], roomId: r[8], capacity: r[9] }; return { action: 'create' as const, seriesId: d.seriesId, branchId: d.branchId, occurrenceKey: d.occurrenceKey, sessionId: null, before: null, after: null, desired: d }; });
const rows = Array.from({ length: n }, (_, i) => mk(i));
const CH = Number(process.env.CH ?? 10000);
const cols = (part: typeof rows) => Array.from({ length: 10 }, (_, c) => part.map((r) => r[c]));
const U = `unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::int[])`;
const C = `(series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone, instructor_id, room_id, capacity, status, detached, booked_count, created_at, updated_at)`;
const variants: Record<string, string> = {
  plain: `INSERT INTO class_sessions ${C} SELECT *, 'scheduled', false, 0, $11::timestamptz, $11::timestamptz FROM ${U}`,
  onconflict: `INSERT INTO class_sessions ${C} SELECT *, 'scheduled', false, 0, $11::timestamptz, $11::timestamptz FROM ${U} ON CONFLICT (series_id, occurrence_key) DO NOTHING`,
  current: 'CURRENT',
  notexists: `INSERT INTO class_sessions ${C} SELECT t.*, 'scheduled', false, 0, $11::timestamptz, $11::timestamptz FROM ${U} AS t(a,b,c,d,e,f,g,h,i,j) WHERE NOT EXISTS (SELECT 1 FROM class_sessions s WHERE s.series_id = t.a AND s.occurrence_key = t.c)`,
  oncountcte: `WITH ins AS (INSERT INTO class_sessions ${C} SELECT *, 'scheduled', false, 0, $11::timestamptz, $11::timestamptz FROM ${U} ON CONFLICT (series_id, occurrence_key) DO NOTHING RETURNING 1) SELECT count(*)::int AS n FROM ins`,
};
async function copy() {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const now = new Date().toISOString();
  await sql.begin(async (tx) => {
    const w = await tx`COPY class_sessions ${sql.unsafe(C)} FROM STDIN`.writable();
    async function* lines() { for (let i = 0; i < n; i += 5000) { let s = ''; for (const r of rows.slice(i, i + 5000)) s += r.join('\t') + `\tscheduled\tf\t0\t${now}\t${now}\n`; yield s; } }
    await pipeline(Readable.from(lines()), w);
  });
  await sql.end();
}
for (let round = 0; round < 3; round++) {
  for (const [name, text] of [...Object.entries(variants), ['copy', '']]) {
    await db.query('TRUNCATE class_sessions'); await db.query('CHECKPOINT');
    const t0 = performance.now();
    if (name === 'copy') await copy();
    else if (text === 'CURRENT') await db.transaction((tx) => writeSessionChanges(tx, changes, Date.now()));
    else await db.transaction(async (tx) => { for (let i = 0; i < n; i += CH) await tx.query(text, [...cols(rows.slice(i, i + CH)), new Date().toISOString()]); });
    console.log(round, name, Math.round(performance.now() - t0), 'ms', 'load', (await import('node:os')).loadavg()[0].toFixed(1));
  }
}
await db.close();
const a2 = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
await a2.unsafe('DROP DATABASE IF EXISTS classctl_bench'); await a2.end();
