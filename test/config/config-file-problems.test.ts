// Config files that used to pass unnoticed: a .json document with a duplicate
// key (JSON.parse keeps the last silently), a config-named entry that is a
// device, FIFO or socket (skipped while validate said "valid"), and a branch
// document with a wrong apiVersion (reported as if the base were broken).
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildConfigSet } from '../../controller/core/config/config-set.js';
import { parseConfigFile } from '../../controller/sources/config-file.js';
import { findDuplicateJsonKey } from '../../controller/sources/json-duplicate-keys.js';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { runClassctlInProcess } from '../helpers/cli.js';

const HEADER = '"apiVersion":"scheduling.classctl.dev/v1","kind":"SchedulingConfig","metadata":{"name":"branch-downtown"}';
const branchJson = (settings: string) => `{${HEADER},"spec":{"scope":{"branch":"downtown"},"settings":${settings}}}`;

t.test('a duplicate key in a .json document is CONFIG_UNPARSABLE naming the file and the pointer', async (t) => {
  const rows: Array<{ name: string; text: string; pointer: string; key: string }> = [
    { name: 'two "generation" sections in the settings', text: branchJson('{"generation":{"horizonDays":7},"generation":{"enabled":true}}'), pointer: '/spec/settings/generation', key: 'generation' },
    { name: 'a repeated top-level key', text: `{${HEADER},"kind":"SchedulingConfig","spec":{"scope":{"branch":"downtown"},"settings":{}}}`, pointer: '/kind', key: 'kind' },
    { name: 'a key repeated with a unicode escape', text: branchJson('{"closures":{"2026-12-25":"a","2026-12-2\\u0035":"b"}}'), pointer: '/spec/settings/closures/2026-12-25', key: '2026-12-25' },
    { name: 'a key holding a slash is escaped in the pointer', text: branchJson('{"closures":{"a/b":"x","a/b":"y"}}'), pointer: '/spec/settings/closures/a~1b', key: 'a/b' },
    { name: 'a duplicate inside an object inside a list', text: `{${HEADER},"spec":{"scope":{"branch":"downtown"},"settings":{}},"x":[1,{"k":1},{"k":1,"k":2}]}`, pointer: '/x/2/k', key: 'k' },
  ];
  for (const row of rows) {
    const parsed = parseConfigFile(row.text, 'config/branch-downtown.json');
    t.strictSame(parsed.documents, [], `${row.name}: no document is used`);
    t.match(parsed.problems, [{ code: 'CONFIG_UNPARSABLE', scope: 'all', origin: 'config/branch-downtown.json', pointer: row.pointer, severity: 'error' }], `${row.name}: one problem at ${row.pointer}`);
    t.equal(parsed.problems.length, 1);
    t.match(parsed.problems[0]?.message, new RegExp(`Duplicate key "${row.key.replace('/', '\\/')}" at .*line 1, column \\d+.*Merge the two into one`), `${row.name}: the message names the key and says what to do`);
  }
});

t.test('equal keys in different objects, and quotes and escapes inside strings, are not duplicates', async (t) => {
  const rows = [
    { name: 'the same key in sibling objects', text: branchJson('{"generation":{"enabled":true},"sessionDefaults":{"enabled":1}}') },
    { name: 'an escaped quote before a colon inside a value', text: branchJson('{"closures":{"2026-12-25":"say \\"generation\\": no","2026-12-26":"\\\\"}}') },
    { name: 'a value equal to a key', text: branchJson('{"closures":{"2026-12-25":"2026-12-25"}}') },
  ];
  for (const row of rows) t.equal(findDuplicateJsonKey(row.text), null, row.name);
  const parsed = parseConfigFile(rows[1]!.text, 'config/b.json');
  t.strictSame(parsed.problems, [], 'a valid document with quotes in its values is read');
  t.equal(parsed.documents.length, 1);
});

t.test('a config-named entry that is not a regular file is a problem naming it', async (t) => {
  const rows: Array<{ name: string; make: (dir: string, t: Test) => Promise<void> | void; says: RegExp | null }> = [
    { name: 'a link to a character device (zero.yaml -> /dev/zero)', make: (dir) => symlinkSync('/dev/zero', join(dir, 'zero.yaml')), says: /zero\.yaml" is a character device, not a regular file.*Replace it .* or remove it/ },
    { name: 'a named pipe', make: (dir) => void execFileSync('mkfifo', [join(dir, 'pipe.json')]), says: /pipe\.json" is a named pipe \(FIFO\), not a regular file/ },
    {
      name: 'a socket',
      make: (dir, t) =>
        new Promise<void>((resolve) => {
          const server = createServer().listen(join(dir, 'sock.yml'), () => resolve());
          t.teardown(() => new Promise<void>((done) => server.close(() => done())));
        }),
      says: /sock\.yml" is a socket, not a regular file/,
    },
    { name: 'a dot-file link to a device stays ignored', make: (dir) => symlinkSync('/dev/zero', join(dir, '.zero.yaml')), says: null },
    { name: 'a non-config name linked to a device stays ignored', make: (dir) => symlinkSync('/dev/zero', join(dir, 'zero.txt')), says: null },
    { name: 'a directory named like a config file stays ignored', make: (dir) => mkdirSync(join(dir, 'old.yaml')), says: null },
  ];
  for (const row of rows) {
    await t.test(row.name, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'classctl-config-'));
      t.teardown(() => rmSync(dir, { recursive: true, force: true }));
      cpSync(join('config', 'base.yaml'), join(dir, 'base.yaml'));
      await row.make(dir, t);
      const { documents, problems } = await loadConfigDocumentsFromDir(dir);
      t.strictSame(documents.map((d) => d.name), ['base'], 'the regular file is still read');
      if (row.says === null) {
        t.strictSame(problems, []);
        return;
      }
      t.equal(problems.length, 1);
      t.match(problems[0], { code: 'CONFIG_UNREADABLE', scope: 'all', severity: 'error', message: row.says });
      t.equal(buildConfigSet(documents, problems).blocksAll, true, 'it blocks every scope, like any file that cannot be read');
    });
  }
});

t.test('validate exits 2 naming the device file and the duplicate key', async (t) => {
  const dir = t.testdir({ 'branch-downtown.json': branchJson('{"generation":{"horizonDays":7},"generation":{"enabled":true}}') });
  cpSync(join('config', 'base.yaml'), join(dir, 'base.yaml'));
  symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
  const r = await runClassctlInProcess({}, '--log-level', 'silent', 'validate', '--config', dir);
  t.equal(r.code, 2);
  t.match(r.out + r.err, /zero\.yaml/);
  t.match(r.out + r.err, /Duplicate key "generation" at \/spec\/settings\/generation/);
  t.notMatch(r.out + r.err, /Configuration is valid/);
});

t.test('a document of another kind blocks everything, and says which field to fix', async (t) => {
  const raw = { ...JSON.parse(branchJson('{}')), kind: 'SchedulingConfg' };
  const parsed = parseConfigFile(JSON.stringify(raw), 'config/branch-downtown.json');
  t.match(parsed.problems, [{ code: 'CONFIG_SHAPE', scope: 'all', document: 'branch-downtown', pointer: '/kind', message: /Document "branch-downtown": kind must be "SchedulingConfig", found "SchedulingConfg"\. Set kind: SchedulingConfig/ }]);
});

t.test('a branch document with a wrong apiVersion blocks that branch and names the document and the field', async (t) => {
  const rows = [
    { name: 'apiVersion v2', field: 'apiVersion', patch: { apiVersion: 'scheduling.classctl.dev/v2' }, says: /Document "branch-downtown": apiVersion must be "scheduling\.classctl\.dev\/v1", found "scheduling\.classctl\.dev\/v2"\. Set apiVersion: scheduling\.classctl\.dev\/v1/ },
    { name: 'apiVersion missing', field: 'apiVersion', patch: { apiVersion: undefined }, says: /Document "branch-downtown": apiVersion must be "scheduling\.classctl\.dev\/v1", it is missing/ },
  ];
  const base = parseConfigFile(readFileSync(join('config', 'base.yaml'), 'utf8'), 'config/base.yaml');
  for (const row of rows) {
    const raw = { ...JSON.parse(branchJson('{"generation":{"horizonDays":7}}')), ...row.patch };
    const parsed = parseConfigFile(JSON.stringify(raw), 'config/branch-downtown.json');
    t.match(parsed.problems, [{ code: 'CONFIG_SHAPE', scope: 'branch:downtown', document: 'branch-downtown', pointer: `/${row.field}`, message: row.says }], row.name);
    const config = buildConfigSet([...base.documents], [...base.problems, ...parsed.problems]);
    t.equal(config.blocksAll, false, `${row.name}: other branches go on`);
    t.equal(config.resolve('downtown').ok, false, `${row.name}: branch downtown is not reconciled`);
    t.equal(config.resolve('london-soho').ok, true, `${row.name}: branch london-soho is`);
  }
});
