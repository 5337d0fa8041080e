import { writeSessionChanges } from './controller/store/sessions.js';
import { encodeParams } from './controller/store/pg-array.js';
const n = 240_000; const base = Date.parse('2027-01-01T14:00:00Z');
const mk = (i: number) => ({ seriesId: `series-${i % 10000}`, branchId: `b${i % 50}`, occurrenceKey: `2027-${String(i).padStart(6, '0')}`, title: 'Yoga Flow', startsAt: base + i * 60000, endsAt: base + i * 60000 + 3600000, timezone: 'America/New_York', instructorId: 'ana', roomId: 'studio-a', capacity: 20 });
const changes = Array.from({ length: n }, (_, i) => { const d = mk(i); return { action: 'create' as const, seriesId: d.seriesId, branchId: d.branchId, occurrenceKey: d.occurrenceKey, sessionId: null, before: null, after: null, desired: d }; });
let bytes = 0;
const fake = { kind: 'postgres' as const, async query(text: string, params?: unknown[]) { const enc = encodeParams(params); for (const e of enc) if (typeof e === 'string') bytes += Buffer.byteLength(e); return [{ created: 10000 }] as any; } };
for (let r = 0; r < 5; r++) { const c0 = process.cpuUsage(); await writeSessionChanges(fake, changes, Date.now()); const c = process.cpuUsage(c0); console.log('client cpu ms', Math.round((c.user + c.system) / 1000)); }
