// `classctl validate` and `classctl explain`, run in-process through main().
import t from 'tap';
import { join } from 'node:path';
import { runClassctlInProcess } from '../helpers/cli.js';
import { validationExitCode } from '../../controller/cli/commands/validate.js';
import type { Problem } from '../../controller/core/errors.js';

const run = (...args: string[]) => runClassctlInProcess({}, ...args);

const BROKEN_BRANCH = `apiVersion: scheduling.classctl.dev/v1
kind: SchedulingConfig
metadata: { name: branch-london-soho }
spec:
  scope: { branch: london-soho }
  settings:
    generation: { horizonDays: 0 }
    dst: { ambiguousTime: late }
`;


t.test('validate', async (t) => {
  const withBrokenBranch = async () => {
    const dir = t.testdir({ 'branch-london-soho.yaml': BROKEN_BRANCH });
    const { cpSync } = await import('node:fs');
    for (const f of ['base.yaml', 'branch-downtown.yaml', 'series-downtown-yoga-mon.yaml']) cpSync(join('config', f), join(dir, f));
    return dir;
  };
  const cases: Array<{ name: string; args: () => Promise<string[]>; code: number; out: RegExp[] }> = [
    {
      name: 'the example config is valid: exit 0',
      args: async () => ['validate', '--config', 'config'],
      code: 0,
      out: [/Configuration is valid: 4 documents \(1 base, 2 branches, 1 series\)/],
    },
    {
      name: 'one broken branch document: exit 2, naming the file, the document and every pointer',
      args: async () => ['validate', '--config', await withBrokenBranch()],
      code: 2,
      out: [
        /branch-london-soho\.yaml {2}document "branch-london-soho" {2}\/spec\/settings\/generation\/horizonDays\n {2}error CONFIG_SCHEMA, blocks branch "london-soho"/,
        /branch-london-soho\.yaml {2}document "branch-london-soho" {2}\/spec\/settings\/dst\/ambiguousTime/,
        /Not reconciled until fixed: branch "london-soho"\. Other scopes are reconciled as usual\./,
      ],
    },
    {
      name: 'a missing config directory: exit 2',
      args: async () => ['validate', '--config', join(t.testdir({}), 'missing')],
      code: 2,
      out: [/CONFIG_UNREADABLE/, /Nothing is reconciled/],
    },
  ];
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const r = await run(...(await c.args()));
      t.equal(r.code, c.code, 'exit code');
      for (const re of c.out) t.match(r.out, re);
    });
  }

  t.test('--output json lists every error with file, document and pointer', async (t) => {
    const r = await run('validate', '--config', await withBrokenBranch(), '--output', 'json');
    t.equal(r.code, 2);
    const json = JSON.parse(r.out);
    t.equal(json.valid, false);
    t.equal(json.blocksAll, false);
    t.same(json.blockedScopes, ['branch:london-soho']);
    t.same(
      json.errors.map((e: { code: string; document: string; pointer: string; origin: string }) => [e.code, e.document, e.pointer, e.origin.endsWith('branch-london-soho.yaml')]),
      [
        ['CONFIG_SCHEMA', 'branch-london-soho', '/spec/settings/generation/horizonDays', true],
        ['CONFIG_SCHEMA', 'branch-london-soho', '/spec/settings/dst/ambiguousTime', true],
      ],
    );
  });

  t.test('warnings do not fail validation, errors do', async (t) => {
    const warning: Problem = { code: 'CONFIG_UNKNOWN_TARGET', scope: 'branch:x', pointer: '/spec/scope/branch', message: 'w', severity: 'warning' };
    t.equal(validationExitCode({ problems: [warning] }), 0);
    t.equal(validationExitCode({ problems: [warning, { ...warning, severity: 'error' }] }), 2);
  });

  t.test('a bad --output is a usage error', async (t) => {
    const r = await run('validate', '--config', 'config', '--output', 'yaml');
    t.equal(r.code, 2);
    t.match(r.err, /invalid|Allowed choices/i);
  });
});

t.test('explain', async (t) => {
  t.test('--output json shows each value with the document that set it', async (t) => {
    const r = await run('explain', '--config', 'config', '--branch', 'downtown', '--series', 'downtown-yoga-mon', '--output', 'json');
    t.equal(r.code, 0);
    const json = JSON.parse(r.out);
    t.equal(json.valid, true);
    t.same(json.layers.map((l: { document: string }) => l.document), ['base', 'branch-downtown', 'series-downtown-yoga-mon']);
    const field = (pointer: string) => json.fields.find((f: { pointer: string }) => f.pointer === pointer);
    t.same(field('/sessionDefaults/capacity'), { pointer: '/sessionDefaults/capacity', value: 12, document: 'series-downtown-yoga-mon', origin: 'config/series-downtown-yoga-mon.yaml' });
    t.same(field('/closures/2026-11-26'), { pointer: '/closures/2026-11-26', value: 'Thanksgiving Day', document: 'branch-downtown', origin: 'config/branch-downtown.yaml' });
    t.equal(field('/generation/horizonDays').document, 'base');
    t.equal(field('/closures/2026-12-28'), undefined, 'the closure the series removed is gone');
    t.equal(json.settings.sessionDefaults.capacity, 12);
  });

  t.test('text output: one row per field, with its source', async (t) => {
    const r = await run('explain', '--config', 'config', '--branch', 'london-soho');
    t.equal(r.code, 0);
    t.match(r.out, /\/generation\/horizonDays +28 +branch-london-soho \(config\/branch-london-soho\.yaml\)/);
    t.match(r.out, /\/generation\/enabled +true +base \(config\/base\.yaml\)/);
  });

  t.test('an invalid scope: exit 2 with its problems', async (t) => {
    const dir = t.testdir({ 'branch-london-soho.yaml': BROKEN_BRANCH });
    const { cpSync } = await import('node:fs');
    // downtown has a document: an id no document names is looked up in the database.
    for (const f of ['base.yaml', 'branch-downtown.yaml']) cpSync(join('config', f), join(dir, f));
    const soho = await run('explain', '--config', dir, '--branch', 'london-soho', '--output', 'json');
    t.equal(soho.code, 2);
    const json = JSON.parse(soho.out);
    t.equal(json.valid, false);
    t.same(json.problems.map((p: { pointer: string }) => p.pointer), ['/spec/settings/generation/horizonDays', '/spec/settings/dst/ambiguousTime']);
    const downtown = await run('explain', '--config', dir, '--branch', 'downtown');
    t.equal(downtown.code, 0, 'another branch of the same config explains fine');
    t.match(downtown.out, /2 more error\(s\) in other scopes/);
  });

  t.test('without --branch: a usage error', async (t) => {
    const r = await run('explain', '--config', 'config');
    t.equal(r.code, 2);
    t.match(r.err, /--branch/);
  });
});
