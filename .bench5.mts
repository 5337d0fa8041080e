import postgres from 'postgres';
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { openDatabase } from './controller/store/database.js';
import { migrate } from './controller/store/migrate.js';
import { writeSessionChanges } from './controller/store/sessions.js';
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
await admin.unsafe('DROP DATABASE IF EXISTS classctl_bench'); await admin.unsafe('CREATE DATABASE classctl_bench'); await admin.end();
const url = 'postgres://postgres@127.0.0.1:5432/classctl_bench';
const db = await openDatabase({ url }); await migrate(db);
const n = 240_000; const base = Date.parse('2027-01-01T14:00:00Z');
const mk = (i: number) => ({ seriesId: `series-${i % 10000}`, branchId: `b${i % 50}`, occurrenceKey: `2027-${String(i).padStart(6, '0')}`, title: 'Yoga Flow', startsAt: base + i * 60000, endsAt: base + i * 60000 + 3600000, timezone: 'America/New_York', instructorId: 'ana', roomId: 'studio-a', capacity: 20 });
const changes = Array.from({ length: n }, (_, i) => { const d = mk(i); return { action: 'create' as const, seriesId: d.seriesId, branchId: d.branchId, occurrenceKey: d.occurrenceKey, sessionId: null, before: null, after: null, desired: d }; });
const cpuOf = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
for (let round = 0; round < 3; round++) {
  await db.query('TRUNCATE class_sessions'); await db.query('CHECKPOINT');
  let c0 = process.cpuUsage(); let t0 = performance.now(); let server = 0;
  await db.transaction(async (tx) => { const [{ pid }] = await tx.query<{ pid: number }>('select pg_backend_pid() pid'); const s0 = cpuOf(pid); await writeSessionChanges(tx, changes, Date.now()); server = cpuOf(pid) - s0; });
  let c = process.cpuUsage(c0); const unnest = { wall: Math.round(performance.now() - t0), client: Math.round((c.user + c.system) / 1000), server };
  await db.query('TRUNCATE class_sessions'); await db.query('CHECKPOINT');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const now = new Date().toISOString();
  c0 = process.cpuUsage(); t0 = performance.now();
  await sql.begin(async (tx) => {
    const [{ pid }] = await tx`select pg_backend_pid() pid`; const s0 = cpuOf(pid);
    const w = await tx`COPY class_sessions (series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone, instructor_id, room_id, capacity, status, detached, booked_count, created_at, updated_at) FROM STDIN`.writable();
    async function* lines() { for (let i = 0; i < n; i += 5000) { let s = ''; for (let j = i; j < Math.min(n, i + 5000); j++) { const d = mk(j); s += `${d.seriesId}\t${d.branchId}\t${d.occurrenceKey}\t${d.title}\t${new Date(d.startsAt).toISOString()}\t${new Date(d.endsAt).toISOString()}\t${d.timezone}\t${d.instructorId}\t${d.roomId}\t${d.capacity}\tscheduled\tf\t0\t${now}\t${now}\n`; } yield s; } }
    await pipeline(Readable.from(lines()), w);
    server = cpuOf(pid) - s0;
  });
  c = process.cpuUsage(c0); const copy = { wall: Math.round(performance.now() - t0), client: Math.round((c.user + c.system) / 1000), server };
  await sql.end();
  console.log('unnest', unnest, 'copy', copy, 'cpu ratio', ((unnest.client + unnest.server) / (copy.client + copy.server)).toFixed(2), 'server ratio', (unnest.server / copy.server).toFixed(2));
}
await db.close();
const a2 = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
await a2.unsafe('DROP DATABASE IF EXISTS classctl_bench'); await a2.end();
