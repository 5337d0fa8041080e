// removal.bookedChanges: a built-in default (warn) under the base, so a base
// written before the setting existed stays valid; any layer may set it.
import t from 'tap';
import { BASE_SETTINGS, configOf, doc } from '../helpers/fixtures.js';

const builtIn = { document: 'built-in default', origin: 'classctl' };

const rows = [
  { name: 'a base that does not set it resolves to warn, set by the built-in default', docs: [doc('base', {}, BASE_SETTINGS)], want: 'warn', source: builtIn },
  {
    name: 'a base that sets block wins over the built-in default',
    docs: [doc('base', {}, { ...BASE_SETTINGS, removal: { ...BASE_SETTINGS.removal, bookedChanges: 'block' } })],
    want: 'block',
    source: { document: 'base', origin: 'test-doc-0.yaml' },
  },
  {
    name: 'a branch may block for its series only',
    docs: [doc('base', {}, BASE_SETTINGS), doc('branch-b1', { branch: 'b1' }, { removal: { bookedChanges: 'block' } })],
    want: 'block',
    source: { document: 'branch-b1', origin: 'test-doc-1.yaml' },
  },
] as const;

for (const row of rows) {
  t.test(row.name, async (t) => {
    const config = configOf(...row.docs);
    t.same(config.problems, [], 'no problem');
    const r = config.resolve('b1', 's1');
    if (!r.ok) return t.fail('resolve failed');
    t.equal(r.settings.removal.bookedChanges, row.want);
    t.same(r.provenance['/removal/bookedChanges'], row.source);
  });
}

t.test('a value other than warn or block is a schema error naming the field', async (t) => {
  const config = configOf(doc('base', {}, BASE_SETTINGS), doc('branch-b1', { branch: 'b1' }, { removal: { bookedChanges: 'ignore' } }));
  const p = config.problems.find((x) => x.pointer === '/spec/settings/removal/bookedChanges');
  t.match(p, { code: 'CONFIG_SCHEMA', scope: 'branch:b1', document: 'branch-b1', severity: 'error' });
  t.match(p?.message, /warn.*block/);
});
