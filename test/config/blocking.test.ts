// An invalid or conflicting scope is not reconciled, other scopes go
// on; an invalid base (or a document whose scope cannot be read) blocks all.
import t from 'tap';
import { buildConfigSet } from '../../controller/core/config/config-set.js';
import type { Problem } from '../../controller/core/errors.js';
import { baseDoc, BASE_SETTINGS, branchDoc, configOf, rawDoc, seriesDoc } from './fixtures/config-fixtures.js';

type Target = [branch: string, series?: string];

interface Case {
  name: string;
  docs: unknown[];
  blocksAll: boolean;
  blocked: Target[];
  open: Target[];
}

const { dst: _dst, ...baseWithoutDst } = BASE_SETTINGS;

const cases: Case[] = [
  {
    name: 'a conflict on a branch blocks that branch and its series only',
    docs: [baseDoc(), branchDoc('downtown', {}), branchDoc('downtown', {}, 'downtown-2'), branchDoc('london-soho', {})],
    blocksAll: false,
    blocked: [['downtown'], ['downtown', 'downtown-yoga-mon']],
    open: [['london-soho'], ['london-soho', 'soho-hiit-fri'], ['sydney-cbd']],
  },
  {
    name: 'a conflict on a series blocks that series only, not its branch or siblings',
    docs: [baseDoc(), seriesDoc('downtown-yoga-mon', {}), seriesDoc('downtown-yoga-mon', {}, 'yoga-2')],
    blocksAll: false,
    blocked: [['downtown', 'downtown-yoga-mon']],
    open: [['downtown'], ['downtown', 'downtown-spin-tue']],
  },
  {
    name: 'a schema violation in a branch blocks that branch only',
    docs: [baseDoc(), branchDoc('london-soho', { dst: { ambiguousTime: 'late' } })],
    blocksAll: false,
    blocked: [['london-soho'], ['london-soho', 'soho-hiit-fri']],
    open: [['downtown', 'downtown-yoga-mon']],
  },
  {
    name: 'an invalid merged series blocks that series only',
    docs: [baseDoc(), seriesDoc('downtown-yoga-mon', { removal: null })],
    blocksAll: false,
    blocked: [['downtown', 'downtown-yoga-mon']],
    open: [['downtown'], ['downtown', 'downtown-spin-tue']],
  },
  {
    name: 'an invalid base blocks everything',
    docs: [baseDoc(baseWithoutDst), branchDoc('downtown', { dst: { nonexistentTime: 'skip', ambiguousTime: 'later' } })],
    blocksAll: true,
    blocked: [['downtown'], ['downtown', 'downtown-yoga-mon'], ['sydney-cbd']],
    open: [],
  },
  {
    name: 'two base documents block everything',
    docs: [baseDoc(), rawDoc('base-2', {}, BASE_SETTINGS)],
    blocksAll: true,
    blocked: [['downtown'], ['sydney-cbd', 'x']],
    open: [],
  },
  {
    name: 'a document whose scope cannot be read blocks everything',
    docs: [baseDoc(), { ...branchDoc('downtown', {}), spec: { scope: { branch: 7 }, settings: {} } }],
    blocksAll: true,
    blocked: [['london-soho'], ['sydney-cbd', 'x']],
    open: [],
  },
  {
    name: 'a branch document with a wrong apiVersion blocks its own branch only',
    docs: [baseDoc(), { ...branchDoc('downtown', {}), apiVersion: 'scheduling.classctl.dev/v2' }],
    blocksAll: false,
    blocked: [['downtown'], ['downtown', 'downtown-yoga-mon']],
    open: [['london-soho'], ['sydney-cbd', 'x']],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const config = configOf(...c.docs);
    t.equal(config.blocksAll, c.blocksAll, 'blocksAll');
    const errors = config.problems.filter((p) => p.severity === 'error');
    t.ok(errors.length > 0, 'the cause is listed in problems');
    for (const [branch, series] of c.blocked) {
      const r = config.resolve(branch, series);
      t.equal(r.ok, false, `${branch}/${series ?? '-'} is blocked`);
      if (!r.ok) t.ok(r.problems.length > 0 && r.problems.every((p) => errors.includes(p)), 'with the problems that block it');
    }
    for (const [branch, series] of c.open) t.equal(config.resolve(branch, series).ok, true, `${branch}/${series ?? '-'} is reconciled`);
  });
}

t.test('a series whose branch is invalid reports the branch problems', async (t) => {
  const config = configOf(baseDoc(), branchDoc('downtown', { generation: { horizonDays: 0 } }), seriesDoc('downtown-yoga-mon', { generation: { horizonDays: 7 } }));
  const r = config.resolve('downtown', 'downtown-yoga-mon');
  t.equal(r.ok, false);
  if (!r.ok) t.same(r.problems.map((p) => p.scope), ['branch:downtown']);
});

t.test('a series blocked twice (its own and its branch problems) reports both', async (t) => {
  const config = configOf(baseDoc(), branchDoc('downtown', { generation: { horizonDays: 0 } }), seriesDoc('downtown-yoga-mon', { generation: { horizonDays: 0 } }));
  const r = config.resolve('downtown', 'downtown-yoga-mon');
  if (r.ok) return t.fail('should be blocked');
  t.same(r.problems.map((p) => p.scope), ['branch:downtown', 'series:downtown-yoga-mon']);
});

t.test('a blocking problem passed in by a source (e.g. an unreadable file) blocks everything', async (t) => {
  const unreadable: Problem = { code: 'CONFIG_UNREADABLE', scope: 'all', origin: 'config/x.yaml', pointer: '', message: 'x', severity: 'error' };
  const ok = configOf(baseDoc());
  const config = buildConfigSet(ok.documents, [unreadable]);
  t.equal(config.blocksAll, true);
  t.same(config.resolve('downtown'), { ok: false, problems: [unreadable] });
  t.notOk(config.problems.some((p) => p.code === 'CONFIG_NO_BASE'), 'the base is not also called missing');
});

t.test('a warning passed in by a source blocks nothing', async (t) => {
  const warning: Problem = { code: 'CONFIG_UNKNOWN_TARGET', scope: 'branch:downtown', pointer: '', message: 'x', severity: 'warning' };
  const config = buildConfigSet(configOf(baseDoc()).documents, [warning]);
  t.equal(config.blocksAll, false);
  t.equal(config.resolve('downtown').ok, true);
});

t.test('resolution is cached: 10,000 series without documents share one merge', async (t) => {
  const config = configOf(baseDoc(), branchDoc('downtown', { generation: { horizonDays: 28 } }), seriesDoc('s-7', { sessionDefaults: { capacity: 5 } }));
  const first = config.resolve('downtown', 's-0');
  for (let i = 1; i < 10_000; i++) {
    const r = config.resolve('downtown', `s-${i}`);
    if (i !== 7 && r !== first) return t.fail(`series s-${i} got a new result object`);
  }
  const own = config.resolve('downtown', 's-7');
  t.not(own, first, 'a series with its own document gets its own result');
  t.equal(config.resolve('downtown', 's-7'), own, 'which is cached too');
  t.ok(own.ok && own.settings.sessionDefaults.capacity === 5 && own.settings.generation.horizonDays === 28);
});

t.test('resolved settings are frozen, so the shared cached object cannot be changed by a caller', async (t) => {
  const r = configOf(baseDoc()).resolve('downtown');
  if (!r.ok) return t.fail('resolve failed');
  t.throws(() => {
    (r.settings.generation as { horizonDays: number }).horizonDays = 1;
  }, TypeError);
  t.throws(() => {
    (r.settings.closures as Record<string, string>)['2026-01-01'] = 'x';
  }, TypeError);
});

t.test('digest', async (t) => {
  const a = configOf(baseDoc(), branchDoc('downtown', { closures: { '2026-11-26': 'Thanksgiving Day' } }), seriesDoc('downtown-yoga-mon', { sessionDefaults: { capacity: 12 } }));
  const reordered = configOf(seriesDoc('downtown-yoga-mon', { sessionDefaults: { capacity: 12 } }), branchDoc('downtown', { closures: { '2026-11-26': 'Thanksgiving Day' } }), baseDoc());
  const moved = buildConfigSet(a.documents.map((d) => ({ ...d, origin: `elsewhere/${d.origin}` })), []);
  const changed = configOf(baseDoc(), branchDoc('downtown', { closures: { '2026-11-26': 'Thanksgiving' } }), seriesDoc('downtown-yoga-mon', { sessionDefaults: { capacity: 12 } }));
  t.match(a.digest, /^[0-9a-f]{64}$/, 'a sha256 hex digest');
  t.equal(reordered.digest, a.digest, 'document order does not matter');
  t.equal(moved.digest, a.digest, 'moving documents between files does not matter');
  t.not(changed.digest, a.digest, 'a changed closure reason changes the digest');
  t.not(configOf(baseDoc()).digest, a.digest, 'a removed document changes the digest');
});
