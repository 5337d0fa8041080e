// Series > branch > base, merged per RFC 7396; explain's provenance.
import t from 'tap';
import { baseDoc, branchDoc, configOf, seriesDoc } from './fixtures/config-fixtures.js';

interface Case {
  name: string;
  docs: unknown[];
  branch: string;
  series?: string;
  /** pointer → [value, document that set it]; value undefined = absent. */
  expect: Record<string, [unknown, string | undefined]>;
}

const cases: Case[] = [
  {
    name: 'a branch without a document gets the base value',
    docs: [baseDoc(), branchDoc('downtown', { generation: { horizonDays: 28 } })],
    branch: 'sydney-cbd',
    expect: { '/generation/horizonDays': [56, 'base'] },
  },
  {
    name: 'a branch document beats the base',
    docs: [baseDoc(), branchDoc('downtown', { generation: { horizonDays: 28 } })],
    branch: 'downtown',
    expect: { '/generation/horizonDays': [28, 'branch-downtown'] },
  },
  {
    name: 'a series without its own document gets the branch value',
    docs: [baseDoc(), branchDoc('downtown', { generation: { horizonDays: 28 } })],
    branch: 'downtown',
    series: 'downtown-yoga-mon',
    expect: { '/generation/horizonDays': [28, 'branch-downtown'] },
  },
  {
    name: 'a series override beats branch and base',
    docs: [baseDoc(), branchDoc('downtown', { generation: { horizonDays: 28 } }), seriesDoc('downtown-yoga-mon', { generation: { horizonDays: 14 } })],
    branch: 'downtown',
    series: 'downtown-yoga-mon',
    expect: { '/generation/horizonDays': [14, 'series-downtown-yoga-mon'] },
  },
  {
    name: 'a series override beats the base when its branch has no document',
    docs: [baseDoc(), seriesDoc('sydney-pilates', { removal: { unbooked: 'cancel' } })],
    branch: 'sydney-cbd',
    series: 'sydney-pilates',
    expect: { '/removal/unbooked': ['cancel', 'series-sydney-pilates'], '/removal/booked': ['cancel', 'base'] },
  },
  {
    name: 'a series document does not reach the other series of its branch',
    docs: [baseDoc(), seriesDoc('downtown-yoga-mon', { generation: { enabled: false } })],
    branch: 'downtown',
    series: 'downtown-spin-tue',
    expect: { '/generation/enabled': [true, 'base'] },
  },
  {
    name: 'a branch document does not reach other branches',
    docs: [baseDoc(), branchDoc('london-soho', { dst: { nonexistentTime: 'skip' } })],
    branch: 'downtown',
    series: 'downtown-yoga-mon',
    expect: { '/dst/nonexistentTime': ['shiftForward', 'base'] },
  },
  {
    name: 'null in a branch removes a base closure',
    docs: [baseDoc(), branchDoc('london-soho', { closures: { '2026-12-25': null } })],
    branch: 'london-soho',
    series: 'soho-hiit-fri',
    expect: { '/closures/2026-12-25': [undefined, undefined], '/closures/2027-01-01': ["New Year's Day", 'base'] },
  },
  {
    name: 'null in a series removes a closure its branch added',
    docs: [baseDoc(), branchDoc('downtown', { closures: { '2026-12-28': 'Staff training day' } }), seriesDoc('downtown-yoga-mon', { closures: { '2026-12-28': null } })],
    branch: 'downtown',
    series: 'downtown-yoga-mon',
    expect: { '/closures/2026-12-28': [undefined, undefined], '/closures/2026-12-25': ['Christmas Day', 'base'] },
  },
  {
    name: 'a series re-adds a closure its branch removed',
    docs: [baseDoc(), branchDoc('downtown', { closures: { '2026-12-25': null } }), seriesDoc('downtown-yoga-mon', { closures: { '2026-12-25': 'Closed for Christmas' } })],
    branch: 'downtown',
    series: 'downtown-yoga-mon',
    expect: { '/closures/2026-12-25': ['Closed for Christmas', 'series-downtown-yoga-mon'] },
  },
  {
    name: 'a branch adds closures beside the base ones (closures are a map, not a replaced array)',
    docs: [baseDoc(), branchDoc('downtown', { closures: { '2026-11-26': 'Thanksgiving Day' } })],
    branch: 'downtown',
    expect: {
      '/closures/2026-11-26': ['Thanksgiving Day', 'branch-downtown'],
      '/closures/2026-12-25': ['Christmas Day', 'base'],
      '/closures/2027-01-01': ["New Year's Day", 'base'],
    },
  },
  {
    name: 'nested merge keeps siblings: a branch sets one dst field, the other stays from the base',
    docs: [baseDoc(), branchDoc('london-soho', { dst: { ambiguousTime: 'later' } })],
    branch: 'london-soho',
    expect: { '/dst/ambiguousTime': ['later', 'branch-london-soho'], '/dst/nonexistentTime': ['shiftForward', 'base'] },
  },
  {
    name: 'nested merge keeps siblings across three layers',
    docs: [baseDoc(), branchDoc('downtown', { sessionDefaults: { durationMinutes: 45 } }), seriesDoc('downtown-yoga-mon', { sessionDefaults: { capacity: 12 } })],
    branch: 'downtown',
    series: 'downtown-yoga-mon',
    expect: { '/sessionDefaults/durationMinutes': [45, 'branch-downtown'], '/sessionDefaults/capacity': [12, 'series-downtown-yoga-mon'] },
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const config = configOf(...c.docs);
    t.same(config.problems, [], 'the documents are valid');
    const r = config.resolve(c.branch, c.series);
    if (!r.ok) return t.fail(`resolve failed: ${JSON.stringify(r.problems)}`);
    for (const [pointer, [value, document]] of Object.entries(c.expect)) {
      const actual = pointer.split('/').slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], r.settings);
      t.same(actual, value, `${pointer} value`);
      t.equal(r.provenance[pointer]?.document, document, `${pointer} set by`);
    }
  });
}

t.test('every leaf of the resolved settings has exactly one source, and nothing else does', async (t) => {
  const config = configOf(
    baseDoc(),
    branchDoc('downtown', { closures: { '2026-11-26': 'Thanksgiving Day', '2027-01-01': null } }),
    seriesDoc('downtown-yoga-mon', { sessionDefaults: { capacity: 12 } }),
  );
  const r = config.resolve('downtown', 'downtown-yoga-mon');
  if (!r.ok) return t.fail('resolve failed');
  t.same(Object.keys(r.provenance), [
    '/generation/enabled',
    '/generation/horizonDays',
    '/dst/nonexistentTime',
    '/dst/ambiguousTime',
    '/closures/2026-11-26',
    '/closures/2026-12-25',
    '/sessionDefaults/durationMinutes',
    '/sessionDefaults/capacity',
    '/removal/unbooked',
    '/removal/booked',
    '/removal/bookedChanges',
    '/cleanup/deleteSeriesAfterDays',
    '/safety/maxRemovalsPerRun',
    '/history/retainDays',
    '/feeds/public',
  ]);
  t.same(r.provenance['/sessionDefaults/capacity'], { document: 'series-downtown-yoga-mon', origin: 'series-downtown-yoga-mon.yaml' });
  t.same(
    r.layers?.map((l) => l.document),
    ['base', 'branch-downtown', 'series-downtown-yoga-mon'],
  );
});

t.test('a branch view is not changed by resolving a series with its own document first', async (t) => {
  const config = configOf(baseDoc(), seriesDoc('downtown-yoga-mon', { generation: { horizonDays: 7 } }));
  const series = config.resolve('downtown', 'downtown-yoga-mon');
  const branch = config.resolve('downtown');
  t.ok(series.ok && series.settings.generation.horizonDays === 7);
  t.ok(branch.ok && branch.settings.generation.horizonDays === 56, 'the cached base ⊕ branch merge was not mutated');
});
