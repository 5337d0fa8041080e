// The target of a --branch / --series run, resolved against the inputs.
import t from 'tap';
import { ClassctlError } from '../../controller/core/errors.js';
import { describeTarget, isPartialBranch, resolveTarget, savedTarget, scopeInputs, targetsSeries, type RunTarget } from '../../controller/core/run-target.js';

const inputs = {
  branches: [{ id: 'hq' }, { id: 'east' }, { id: 'west' }],
  series: [
    { id: 'a', branchId: 'hq' },
    { id: 'b', branchId: 'hq' },
    { id: 'c', branchId: 'east' },
  ],
};

const resolveCases: Array<{ name: string; target: RunTarget; branches: Record<string, 'all' | string[]> }> = [
  { name: '--branch takes the whole branch', target: { branchIds: ['hq'], seriesIds: [] }, branches: { hq: 'all' } },
  { name: '--series takes its branch with that series only', target: { branchIds: [], seriesIds: ['a'] }, branches: { hq: ['a'] } },
  { name: 'a series given with its branch adds nothing', target: { branchIds: ['hq'], seriesIds: ['a'] }, branches: { hq: 'all' } },
  { name: 'series of two branches, each branch partial', target: { branchIds: [], seriesIds: ['c', 'a'] }, branches: { east: ['c'], hq: ['a'] } },
  { name: 'an id given twice counts once', target: { branchIds: ['west', 'west'], seriesIds: ['b', 'b'] }, branches: { west: 'all', hq: ['b'] } },
  { name: 'a branch with no series is a valid target', target: { branchIds: ['west'], seriesIds: [] }, branches: { west: 'all' } },
];

for (const c of resolveCases) {
  t.test(c.name, async (t) => {
    const r = resolveTarget(c.target, inputs);
    const got = Object.fromEntries([...r.branches].map(([id, s]) => [id, s === 'all' ? 'all' : [...s].sort()]));
    t.same(got, c.branches);
  });
}

const unknownCases: Array<{ name: string; target: RunTarget; message: RegExp; key: string }> = [
  { name: 'an unknown branch is NOT_FOUND naming it and listing the branches there are', target: { branchIds: ['nowhere'], seriesIds: [] }, message: /no branch "nowhere".*The branches there are: east, hq, west\./, key: 'nowhere' },
  { name: 'an unknown series is NOT_FOUND naming it', target: { branchIds: [], seriesIds: ['zz'] }, message: /no class series "zz"/, key: 'zz' },
  { name: 'a known id does not hide an unknown one', target: { branchIds: ['hq', 'x'], seriesIds: ['a', 'y'] }, message: /no branch "x" and no class series "y"/, key: 'x' },
];

for (const c of unknownCases) {
  t.test(c.name, async (t) => {
    let caught: unknown;
    try {
      resolveTarget(c.target, inputs);
    } catch (err) {
      caught = err;
    }
    t.ok(caught instanceof ClassctlError, 'a ClassctlError');
    t.match(caught, { code: 'NOT_FOUND', key: c.key, message: c.message });
  });
}

t.test('a partial branch plans only its targeted series; other branches nothing', async (t) => {
  const r = resolveTarget({ branchIds: ['east'], seriesIds: ['a'] }, inputs);
  t.ok(isPartialBranch(r, 'hq'));
  t.notOk(isPartialBranch(r, 'east'), 'a whole branch is not partial');
  t.ok(targetsSeries(r, 'hq', 'a'));
  t.notOk(targetsSeries(r, 'hq', 'b'), 'the other series of a partial branch is left alone');
  t.notOk(targetsSeries(r, 'west', 'anything'));
  t.ok(targetsSeries(null, 'west', 'anything'), 'a whole run plans everything');
  t.same(scopeInputs(r, inputs), { branches: [{ id: 'hq' }, { id: 'east' }], series: [{ id: 'a', branchId: 'hq' }, { id: 'c', branchId: 'east' }] });
});

const savedCases: Array<{ name: string; recorded: RunTarget | null; given: RunTarget | undefined; expect: RunTarget | null | 'usage' }> = [
  { name: 'no --branch/--series: the plan\'s own target', recorded: { branchIds: ['hq'], seriesIds: [] }, given: undefined, expect: { branchIds: ['hq'], seriesIds: [] } },
  { name: 'a whole plan stays whole', recorded: null, given: undefined, expect: null },
  { name: 'the same target in another order is accepted', recorded: { branchIds: ['east', 'hq'], seriesIds: [] }, given: { branchIds: ['hq', 'east'], seriesIds: [] }, expect: { branchIds: ['east', 'hq'], seriesIds: [] } },
  { name: 'another target is a usage error', recorded: { branchIds: ['hq'], seriesIds: [] }, given: { branchIds: ['east'], seriesIds: [] }, expect: 'usage' },
  { name: 'a target given for a whole plan is a usage error', recorded: null, given: { branchIds: [], seriesIds: ['a'] }, expect: 'usage' },
];

for (const c of savedCases) {
  t.test(`saved plan: ${c.name}`, async (t) => {
    if (c.expect === 'usage') t.throws(() => savedTarget(c.recorded, c.given), { code: 'USAGE' });
    else t.same(savedTarget(c.recorded, c.given), c.expect);
  });
}

t.test('describeTarget', async (t) => {
  t.equal(describeTarget({ branchIds: ['hq'], seriesIds: [] }), 'branch hq');
  t.equal(describeTarget({ branchIds: ['east', 'hq'], seriesIds: ['a'] }), 'branches east, hq; series a');
  t.equal(describeTarget({ branchIds: [], seriesIds: [] }), 'every branch');
});
