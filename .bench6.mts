import { toPgArrayLiteral } from './controller/store/pg-array.js';
import { randomUUID } from 'node:crypto';
const n = 240_000; const base = Date.parse('2027-01-01T14:00:00Z');
let t0 = performance.now();
const cols: unknown[][] = Array.from({ length: 11 }, () => []);
for (let i = 0; i < n; i++) { const row = [randomUUID(), `series-${i % 10000}`, `b${i % 50}`, `2027-${String(i).padStart(6, '0')}`, 'Yoga Flow', new Date(base + i * 60000).toISOString(), new Date(base + i * 60000 + 3600000).toISOString(), 'America/New_York', 'ana', 'studio-a', 20]; for (let k = 0; k < 11; k++) cols[k]!.push(row[k]); }
console.log('build', Math.round(performance.now() - t0)); t0 = performance.now();
const lits = cols.map((c) => toPgArrayLiteral(c as any));
console.log('encode', Math.round(performance.now() - t0), lits.reduce((a, l) => a + l.length, 0));
t0 = performance.now();
for (let i = 0; i < n; i++) randomUUID();
console.log('uuid', Math.round(performance.now() - t0));
t0 = performance.now();
for (let i = 0; i < n * 2; i++) new Date(base + i).toISOString();
console.log('iso', Math.round(performance.now() - t0));
