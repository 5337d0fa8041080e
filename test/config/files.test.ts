// The files source: YAML (several documents per file), YML, JSON; what it skips;
// and how broken or unreadable input is reported.
import t from 'tap';
import { buildConfigSet } from '../../controller/core/config/config-set.js';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { join } from 'node:path';

const BASE_YAML = `apiVersion: scheduling.classctl.dev/v1
kind: SchedulingConfig
metadata: { name: base }
spec:
  scope: {}
  settings:
    generation: { enabled: true, horizonDays: 56 }
    dst: { nonexistentTime: shiftForward, ambiguousTime: earlier }
    closures: { "2026-12-25": Christmas Day }
    sessionDefaults: { durationMinutes: 60, capacity: 20 }
    removal: { unbooked: delete, booked: cancel }
    cleanup: { deleteSeriesAfterDays: 0 }
    safety: { maxRemovalsPerRun: 500 }
`;

const branchYaml = (id: string, settings: string) => `apiVersion: scheduling.classctl.dev/v1
kind: SchedulingConfig
metadata: { name: branch-${id} }
spec:
  scope: { branch: ${id} }
  settings: ${settings}
`;

t.test('a YAML file with several documents yields each, with its index; empty documents are skipped', async (t) => {
  const dir = t.testdir({
    // Unquoted dates as keys stay strings (YAML 1.2 core schema), as users write them.
    'all.yaml': `---\n${BASE_YAML}---\n# nothing but a comment\n---\n${branchYaml('downtown', '{ generation: { horizonDays: 28 }, closures: { 2026-11-26: Thanksgiving Day } }')}---\n`,
  });
  const { documents, problems } = await loadConfigDocumentsFromDir(dir);
  t.same(problems, []);
  t.same(
    documents.map((d) => [d.name, d.index, d.origin]),
    [
      ['base', 0, join(dir, 'all.yaml')],
      ['branch-downtown', 2, join(dir, 'all.yaml')],
    ],
  );
  const r = buildConfigSet(documents, problems).resolve('downtown');
  t.ok(r.ok && r.settings.generation.horizonDays === 28);
  t.ok(r.ok && r.settings.closures['2026-11-26'] === 'Thanksgiving Day');
});

t.test('one invalid document in a multi-document file blocks its own scope only', async (t) => {
  const dir = t.testdir({
    'all.yaml': `${BASE_YAML}---\n${branchYaml('downtown', '{ dst: { ambiguousTime: late } }')}---\n${branchYaml('london-soho', '{}')}`,
  });
  const { documents, problems } = await loadConfigDocumentsFromDir(dir);
  t.same(documents.map((d) => d.name), ['base', 'branch-london-soho']);
  t.same(
    problems.map((p) => [p.code, p.scope, p.document, p.origin, p.pointer]),
    [['CONFIG_SCHEMA', 'branch:downtown', 'branch-downtown', join(dir, 'all.yaml'), '/spec/settings/dst/ambiguousTime']],
  );
  const config = buildConfigSet(documents, problems);
  t.equal(config.blocksAll, false);
  t.equal(config.resolve('downtown').ok, false);
  t.equal(config.resolve('london-soho').ok, true);
});

t.test('.yaml, .yml and .json are read in name order; other files, dot-files and subdirectories are not', async (t) => {
  const dir = t.testdir({
    'a-base.yaml': BASE_YAML,
    'b-downtown.yml': branchYaml('downtown', '{}'),
    'c-soho.json': JSON.stringify({ apiVersion: 'scheduling.classctl.dev/v1', kind: 'SchedulingConfig', metadata: { name: 'branch-london-soho' }, spec: { scope: { branch: 'london-soho' }, settings: {} } }),
    'README.md': '# not config: {',
    '.hidden.yaml': 'not: [valid',
    '..data': { 'x.yaml': 'not: [valid' },
    nested: { 'd.yaml': 'not: [valid' },
  });
  const { documents, problems } = await loadConfigDocumentsFromDir(dir);
  t.same(problems, []);
  t.same(documents.map((d) => d.name), ['base', 'branch-downtown', 'branch-london-soho']);
  t.equal(documents[2].index, undefined, 'a JSON file holds one document');
});

t.test('an unparsable file blocks everything, and the other files are still checked', async (t) => {
  const dir = t.testdir({
    'base.yaml': BASE_YAML,
    'broken.yaml': 'apiVersion: scheduling.classctl.dev/v1\nspec: { scope: { branch: downtown }\n',
    'soho.yaml': branchYaml('london-soho', '{ generation: { horizonDays: 0 } }'),
  });
  const { documents, problems } = await loadConfigDocumentsFromDir(dir);
  t.same(
    problems.map((p) => [p.code, p.scope, p.origin]),
    [
      ['CONFIG_UNPARSABLE', 'all', join(dir, 'broken.yaml')],
      ['CONFIG_SCHEMA', 'branch:london-soho', join(dir, 'soho.yaml')],
    ],
  );
  const config = buildConfigSet(documents, problems);
  t.equal(config.blocksAll, true);
  t.equal(config.resolve('sydney-cbd').ok, false);
});

t.test('a missing config directory is reported, not thrown', async (t) => {
  const dir = join(t.testdir({}), 'no-such-dir');
  const { documents, problems } = await loadConfigDocumentsFromDir(dir);
  t.same(documents, []);
  t.same(problems.map((p) => [p.code, p.scope, p.origin]), [['CONFIG_UNREADABLE', 'all', dir]]);
  t.match(problems[0].message, /--config DIR/);
  t.equal(buildConfigSet(documents, problems).blocksAll, true);
});

t.test('an empty directory has no base', async (t) => {
  const { documents, problems } = await loadConfigDocumentsFromDir(t.testdir({}));
  t.same(buildConfigSet(documents, problems).problems.map((p) => p.code), ['CONFIG_NO_BASE']);
});

t.test('the example config/ directory is valid and resolves as its comments say', async (t) => {
  const { documents, problems } = await loadConfigDocumentsFromDir('config');
  const config = buildConfigSet(documents, problems);
  t.same(config.problems, []);
  t.same(documents.map((d) => d.name).sort(), ['base', 'branch-downtown', 'branch-london-soho', 'series-downtown-yoga-mon']);
  const yoga = config.resolve('downtown', 'downtown-yoga-mon');
  const downtown = config.resolve('downtown');
  const soho = config.resolve('london-soho');
  const sydney = config.resolve('sydney-cbd');
  if (!yoga.ok || !downtown.ok || !soho.ok || !sydney.ok) return t.fail('every example scope resolves');
  t.same(Object.keys(downtown.settings.closures), ['2026-11-26', '2026-12-25', '2026-12-28', '2027-01-01'], 'downtown adds closures');
  t.same(Object.keys(yoga.settings.closures), ['2026-11-26', '2026-12-25', '2027-01-01'], 'the series removes the training-day closure with null');
  t.same([soho.settings.generation.horizonDays, soho.settings.dst], [28, { nonexistentTime: 'skip', ambiguousTime: 'later' }], 'london-soho changes horizon and DST');
  t.same(sydney.settings, { ...downtown.settings, closures: { '2026-12-25': 'Christmas Day', '2027-01-01': "New Year's Day" } }, 'sydney-cbd gets the base');
});
