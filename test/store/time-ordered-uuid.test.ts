// Session ids are version 7 UUIDs: their first 48 bits are the millisecond
// they were made, and the ids one process makes only ever increase, so new
// sessions land at the right-hand edge of the primary-key index.
import t from 'tap';
import { timeOrderedUuid } from '../../controller/store/time-ordered-uuid.js';

const NOW = Date.parse('2027-03-14T09:26:53.589Z');
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisecondOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

function increasing(ids: string[]): boolean {
  return ids.every((id, i) => i === 0 || ids[i - 1]! < id);
}

const cases: Array<{ name: string; clock: number[] }> = [
  { name: 'one id per millisecond', clock: [NOW, NOW + 1, NOW + 2, NOW + 1000] },
  { name: 'many ids in one millisecond count up (more than the 12-bit counter holds: it borrows the next millisecond)', clock: Array.from({ length: 10_000 }, () => NOW + 5000) },
  { name: 'a clock that steps back does not make a smaller id', clock: [NOW + 9000, NOW + 8000, NOW + 8999, NOW + 9000] },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const ids = c.clock.map((ms) => timeOrderedUuid(ms));
    t.ok(ids.every((id) => UUID_V7.test(id)), 'every id is a version 7 UUID with the RFC 9562 variant');
    t.ok(increasing(ids), 'each id is greater than the one before');
    t.equal(new Set(ids).size, ids.length, 'no id repeats');
    t.ok(ids.every((id, i) => millisecondOf(id) >= c.clock[i]!), 'the timestamp bits are not before the clock');
    t.ok(millisecondOf(ids.at(-1)!) - Math.max(...c.clock) <= Math.ceil(ids.length / 2048), 'a borrowed millisecond stays close to the clock');
  });
}

t.test('the timestamp bits are the millisecond the id was made', async (t) => {
  const later = NOW + 86_400_000;
  t.equal(millisecondOf(timeOrderedUuid(later)), later);
});
