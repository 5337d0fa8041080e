// Every kind of configuration error yields its stable code, the document, its
// file and the JSON pointer of what to fix; schema violations are all reported.
import t from 'tap';
import { buildConfigSet } from '../../controller/core/config/config-set.js';
import { parseConfigDocument } from '../../controller/core/config/parse-document.js';
import type { ConfigDocument } from '../../controller/core/types.js';
import { parseConfigFile } from '../../controller/sources/config-file.js';
import { baseDoc, BASE_SETTINGS, branchDoc, brief, configOf, rawDoc, seriesDoc } from './fixtures/config-fixtures.js';

interface Case {
  name: string;
  docs: unknown[];
  /** brief(problem) of every problem, in order: `CODE scope document pointer`. */
  expect: string[];
  /** A substring each message must contain (what to fix). */
  message?: RegExp;
}

const { safety: _safety, ...baseWithoutSafety } = BASE_SETTINGS;

const cases: Case[] = [
  {
    name: 'schema violations: every one of them, not only the first',
    docs: [
      baseDoc(),
      branchDoc('london-soho', {
        generation: { horizonDays: 0 },
        dst: { ambiguousTime: 'late' },
        removal: { booked: 'delete' },
        closures: { '2026-02-30': 'No such day' },
        sessionDefaults: { capacity: 'twenty' },
      }),
    ],
    expect: [
      'CONFIG_SCHEMA branch:london-soho branch-london-soho /spec/settings/generation/horizonDays',
      'CONFIG_SCHEMA branch:london-soho branch-london-soho /spec/settings/dst/ambiguousTime',
      'CONFIG_SCHEMA branch:london-soho branch-london-soho /spec/settings/sessionDefaults/capacity',
      'CONFIG_SCHEMA branch:london-soho branch-london-soho /spec/settings/removal/booked',
      // The calendar check of closure keys follows the schema's findings.
      'CONFIG_SCHEMA branch:london-soho branch-london-soho /spec/settings/closures/2026-02-30',
    ],
  },
  {
    name: 'booked sessions can never be set to delete',
    docs: [baseDoc(), branchDoc('downtown', { removal: { booked: 'delete' } })],
    expect: ['CONFIG_SCHEMA branch:downtown branch-downtown /spec/settings/removal/booked'],
    message: /use one of: cancel, keep/,
  },
  {
    name: 'horizonDays above 730 is out of range',
    docs: [baseDoc(), branchDoc('downtown', { generation: { horizonDays: 731 } })],
    expect: ['CONFIG_SCHEMA branch:downtown branch-downtown /spec/settings/generation/horizonDays'],
    message: /must be <= 730/,
  },
  {
    name: 'an unknown settings field names the field and suggests the right one',
    docs: [baseDoc(), branchDoc('downtown', { generation: { horizonDay: 28 } })],
    expect: ['CONFIG_UNKNOWN_FIELD branch:downtown branch-downtown /spec/settings/generation/horizonDay'],
    message: /did you mean "horizonDays"/,
  },
  {
    name: 'an unknown top-level settings section is an unknown field',
    docs: [baseDoc(), seriesDoc('downtown-yoga-mon', { holidays: { '2026-12-25': 'x' } })],
    expect: ['CONFIG_UNKNOWN_FIELD series:downtown-yoga-mon series-downtown-yoga-mon /spec/settings/holidays'],
  },
  {
    name: 'an unknown field beside spec.scope is an unknown field of that scope',
    docs: [baseDoc(), { ...branchDoc('downtown', {}), spec: { scope: { branch: 'downtown' }, settings: {}, priority: 1 } }],
    expect: ['CONFIG_UNKNOWN_FIELD branch:downtown branch-downtown /spec/priority'],
  },
  {
    name: 'a missing metadata.name blocks the scope the document names',
    docs: [baseDoc(), { ...branchDoc('downtown', {}), metadata: {} }],
    expect: ['CONFIG_SHAPE branch:downtown (unnamed) /metadata/name'],
  },
  {
    name: 'a metadata.name that is not a Kubernetes name',
    docs: [baseDoc(), branchDoc('downtown', {}, 'Branch_Downtown')],
    expect: ['CONFIG_SHAPE branch:downtown Branch_Downtown /metadata/name'],
    message: /lower-case letters/,
  },
  {
    name: 'a wrong kind blocks everything: which scope it meant cannot be trusted',
    docs: [baseDoc(), { ...branchDoc('downtown', {}), kind: 'ConfigMap' }],
    expect: ['CONFIG_SHAPE all branch-downtown /kind'],
  },
  {
    name: 'a scope naming both a branch and a series blocks everything',
    docs: [baseDoc(), rawDoc('both', { branch: 'downtown', series: 'downtown-yoga-mon' }, {})],
    expect: ['CONFIG_SHAPE all both /spec/scope'],
    message: /one document per scope/i,
  },
  {
    name: 'a document that is not an object blocks everything',
    docs: [baseDoc(), 'generation: true'],
    expect: ['CONFIG_SHAPE all (unnamed) (root)'],
  },
  {
    name: 'two documents for one branch: a conflict reported on both',
    docs: [baseDoc(), branchDoc('downtown', { generation: { horizonDays: 28 } }), branchDoc('downtown', { generation: { horizonDays: 14 } }, 'downtown-winter')],
    expect: ['CONFIG_CONFLICT branch:downtown branch-downtown /spec/scope', 'CONFIG_CONFLICT branch:downtown downtown-winter /spec/scope'],
    message: /None of them is used, and branch "downtown" is not reconciled/,
  },
  {
    name: 'a conflict with a document that is itself invalid is still reported',
    docs: [baseDoc(), branchDoc('downtown', {}), branchDoc('downtown', { generation: { horizonDays: -1 } }, 'downtown-2')],
    expect: [
      'CONFIG_SCHEMA branch:downtown downtown-2 /spec/settings/generation/horizonDays',
      'CONFIG_CONFLICT branch:downtown branch-downtown /spec/scope',
      'CONFIG_CONFLICT branch:downtown downtown-2 /spec/scope',
    ],
  },
  {
    name: 'no base document',
    docs: [branchDoc('downtown', {})],
    expect: ['CONFIG_NO_BASE base - (root)'],
    message: /spec.scope \{\}/,
  },
  {
    name: 'an empty configuration has no base',
    docs: [],
    expect: ['CONFIG_NO_BASE base - (root)'],
  },
  {
    name: 'a base that does not set every field',
    docs: [baseDoc(baseWithoutSafety)],
    expect: ['CONFIG_BASE_INVALID base base /spec/settings/safety'],
    message: /must set every field/,
  },
  {
    name: 'merged result invalid: a branch deletes a required field with null',
    docs: [baseDoc(), branchDoc('downtown', { generation: { horizonDays: null } })],
    expect: ['CONFIG_RESOLVED_INVALID branch:downtown branch-downtown /spec/settings/generation/horizonDays'],
    message: /deletes it with null/,
  },
  {
    name: 'merged result invalid: a series deletes a whole section',
    docs: [baseDoc(), seriesDoc('downtown-yoga-mon', { dst: null })],
    expect: ['CONFIG_RESOLVED_INVALID series:downtown-yoga-mon series-downtown-yoga-mon /spec/settings/dst'],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const config = configOf(...c.docs);
    t.same(config.problems.map(brief), c.expect);
    for (const p of config.problems) {
      t.equal(p.severity, 'error');
      if (p.document && !p.document.startsWith('(')) t.equal(p.origin, `${p.document}.yaml`, 'the problem names the file');
      if (c.message) t.match(p.message, c.message);
    }
  });
}

t.test('an unparsable YAML file blocks everything and says where the syntax breaks', async (t) => {
  const parsed = parseConfigFile('apiVersion: scheduling.classctl.dev/v1\nspec:\n  scope: {branch: downtown\n', 'config/broken.yaml');
  t.same(parsed.documents, []);
  t.same(parsed.problems.map(brief), ['CONFIG_UNPARSABLE all - (root)']);
  t.equal(parsed.problems[0].origin, 'config/broken.yaml');
  t.match(parsed.problems[0].message, /line \d+, column \d+/);
  const base = parseConfigDocument(baseDoc(), 'config/base.yaml').document as ConfigDocument;
  const config = buildConfigSet([base], parsed.problems);
  t.equal(config.blocksAll, true, 'with a valid base, the broken file still blocks all');
  t.same(config.resolve('downtown'), { ok: false, problems: parsed.problems });
});

t.test('an unparsable JSON file reports its line and column', async (t) => {
  const parsed = parseConfigFile('{\n  "apiVersion": "scheduling.classctl.dev/v1",\n  "kind" "SchedulingConfig"\n}\n', 'config/base.json');
  t.same(parsed.problems.map(brief), ['CONFIG_UNPARSABLE all - (root)']);
  t.match(parsed.problems[0].message, /line 3, column/);
});

t.test('duplicate keys in YAML are a syntax error, not a silent last-one-wins', async (t) => {
  const parsed = parseConfigFile('generation:\n  horizonDays: 28\n  horizonDays: 14\n', 'config/dup.yaml');
  t.same(parsed.problems.map((p) => p.code), ['CONFIG_UNPARSABLE']);
});

t.test('a document naming an unknown branch or series is a warning, not an error', async (t) => {
  const config = configOf(baseDoc(), branchDoc('uptown', {}), branchDoc('downtown', {}), seriesDoc('gone-series', {}));
  const warnings = config.unknownTargets(new Set(['downtown', 'london-soho']), new Set(['downtown-yoga-mon']));
  t.same(warnings.map(brief), [
    'CONFIG_UNKNOWN_TARGET branch:uptown branch-uptown /spec/scope/branch',
    'CONFIG_UNKNOWN_TARGET series:gone-series series-gone-series /spec/scope/series',
  ]);
  t.ok(warnings.every((w) => w.severity === 'warning'));
  t.equal(config.blocksAll, false);
  t.ok(config.resolve('downtown', 'downtown-yoga-mon').ok, 'warnings block nothing');
});
