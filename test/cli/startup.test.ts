// Start-up: a command loads only the packages it uses, and bin/classctl.js
// never runs a dist/ that is older than the sources. No timings are asserted
// here (scripts/measure-startup.sh measures them).
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { staleSource } from '../../bin/dist-freshness.js';
import { commandEntries } from '../../controller/cli/commands/index.js';
import { buildProgram, invokedCommandName } from '../../controller/cli/main.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repo, 'bin', 'classctl.js');

/**
 * An --import hook that appends to $LOADED_LOG every module the process
 * loads: ESM imports through a resolve hook (it runs in the loader thread),
 * CommonJS ones from require.cache at exit (pino-pretty is require()d).
 */
const recordLoads = `data:text/javascript,${encodeURIComponent(`
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
const log = process.env.LOADED_LOG;
register('data:text/javascript,' + encodeURIComponent(
  "import { appendFileSync } from 'node:fs';" +
  "export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(" + JSON.stringify(log) + ", r.url + '\\\\n'); return r; }"));
process.on('exit', () => appendFileSync(log, Object.keys(createRequire(process.execPath).cache).join('\\n') + '\\n'));
`)}`;

/** The packages under node_modules that `classctl ARGS` loaded. */
function packagesLoadedBy(t: Test, args: string[]): { packages: Set<string>; status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'classctl-startup-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'loaded.log');
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', recordLoads, bin, ...args], {
    cwd: repo,
    // NODE_OPTIONS: tap's own hooks stay out of the child, so the log holds what classctl loads.
    env: { ...process.env, NODE_OPTIONS: '', LOADED_LOG: log, CLASSCTL_LOG_LEVEL: 'warn', DATABASE_URL: '' },
    encoding: 'utf8',
  });
  const packages = new Set<string>();
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(decodeURIComponent(line));
    if (m) packages.add(m[1]!);
  }
  return { packages, status: r.status, stderr: r.stderr };
}

// What only serve, a database, the Kubernetes source or a terminal needs.
const HEAVY = ['fastify', '@kubernetes/client-node', '@electric-sql/pglite', 'prom-client', 'postgres', 'pino-pretty'];

const lightCommands = [
  { name: 'classctl --help lists the commands without importing any', args: ['--help'] },
  { name: 'classctl help validate', args: ['help', 'validate'] },
  { name: 'classctl validate of config/ (no database)', args: ['--config', join(repo, 'config'), 'validate'] },
  { name: 'classctl explain --branch (no database)', args: ['--config', join(repo, 'config'), 'explain', '--branch', 'downtown'] },
  { name: 'an unknown command (a usage error)', args: ['no-such-command'], status: 2 },
  { name: 'classctl reconcile --help (prom-client only with --pushgateway)', args: ['reconcile', '--help'] },
];

t.test('light commands do not import the server, the database drivers, the Kubernetes client or metrics', async (t) => {
  for (const row of lightCommands) {
    t.test(row.name, async (t) => {
      const r = packagesLoadedBy(t, row.args);
      t.equal(r.status, row.status ?? 0, r.stderr);
      t.ok(r.packages.has('commander'), 'the hook recorded the packages (commander is always loaded)');
      for (const name of HEAVY) t.notOk(r.packages.has(name), `${name} is not loaded`);
    });
  }
});

t.test('the hook sees a heavy package where a command does import it: serve --help loads fastify', async (t) => {
  const r = packagesLoadedBy(t, ['serve', '--help']);
  t.equal(r.status, 0, r.stderr);
  t.ok(r.packages.has('fastify'));
});

t.test('the command that runs is found the way the program parses its command line', async (t) => {
  const rows = [
    { name: 'no arguments', args: [], expected: undefined },
    { name: 'root --help', args: ['--help'], expected: undefined },
    { name: 'a command', args: ['validate'], expected: 'validate' },
    { name: 'a command after global options with values', args: ['--config', 'reconcile', '--log-level', 'warn', 'validate'], expected: 'validate' },
    { name: 'a global option in --name=value form', args: ['--config=reconcile', 'explain', 'x'], expected: 'explain' },
    { name: 'a global option after the command', args: ['load', 'file.json', '--config', 'dir'], expected: 'load' },
    { name: 'help NAME', args: ['help', 'reconcile'], expected: 'reconcile' },
    { name: 'an unknown option before the command: the program refuses it', args: ['--bogus', 'validate'], expected: undefined },
    { name: 'a global option missing its value', args: ['--config'], expected: undefined },
    { name: 'a command of env', args: ['env', 'set', 'staging'], expected: 'env' },
  ];
  for (const row of rows) t.equal(invokedCommandName(['node', 'classctl', ...row.args]), row.expected, row.name);
});

t.test('each command module registers the command its entry names', async (t) => {
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
  const all = await buildProgram(io, () => {});
  t.same(all.commands.map((c) => c.name()), commandEntries.map((e) => e.name), 'every module registered, in the order of the table');
  for (const entry of commandEntries) {
    const program = await buildProgram(io, () => {}, { only: entry.name });
    const loaded = program.commands.filter((c) => c.name() === entry.name);
    t.equal(loaded.length, 1, `${entry.name}: one command of that name`);
    const full = all.commands.find((c) => c.name() === entry.name);
    t.equal(loaded[0]?.helpInformation(), full?.helpInformation(), `${entry.name}: its own module registered it (options and full description), not the summary in the table`);
    const args = (full?.registeredArguments ?? []).map((a) => `${a.required ? '<' : '['}${a.name()}${a.variadic ? '...' : ''}${a.required ? '>' : ']'}`).join(' ');
    t.equal(entry.args ?? '', args, `${entry.name}: the table lists the arguments its module declares`);
  }
});

// A checkout laid out in a temporary directory: fixed mtimes, no wall clock.
const BUILT = new Date('2027-01-01T12:00:00Z');
const BEFORE = new Date('2027-01-01T11:00:00Z');
const AFTER = new Date('2027-01-01T13:00:00Z');

function checkout(t: Test, files: Record<string, Date>): string {
  const root = mkdtempSync(join(tmpdir(), 'classctl-dist-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, mtime] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), '');
    utimesSync(join(root, path), mtime, mtime);
  }
  return root;
}

const upToDate = {
  'controller/cli/main.ts': BEFORE,
  'dist/controller/cli/main.js': BUILT,
  'controller/store/migrations/001_init.sql': BEFORE,
  'dist/controller/store/migrations/001_init.sql': BUILT,
  'schemas/plan.schema.json': BEFORE,
  'dist/schemas/plan.schema.json': BUILT,
};
const freshnessRows: Array<{ name: string; files: Record<string, Date>; stale: string | null }> = [
  { name: 'every compiled file is newer than its source', files: upToDate, stale: null },
  { name: 'a source edited after the build', files: { ...upToDate, 'controller/cli/main.ts': AFTER }, stale: 'controller/cli/main.ts' },
  { name: 'a source added after the build (no compiled file)', files: { ...upToDate, 'controller/core/new-rule.ts': BEFORE }, stale: 'controller/core/new-rule.ts' },
  { name: 'a migration edited after the build', files: { ...upToDate, 'controller/store/migrations/001_init.sql': AFTER }, stale: 'controller/store/migrations/001_init.sql' },
  { name: 'a migration not copied into dist/', files: { ...upToDate, 'controller/store/migrations/002_more.sql': BEFORE }, stale: 'controller/store/migrations/002_more.sql' },
  { name: 'an imported schema edited after the build', files: { ...upToDate, 'schemas/plan.schema.json': AFTER }, stale: 'schemas/plan.schema.json' },
  { name: 'a schema the code does not import (tsc emits no copy)', files: { ...upToDate, 'schemas/notes.json': AFTER }, stale: null },
  { name: 'a declaration file has no compiled file of its own', files: { ...upToDate, 'controller/types.d.ts': AFTER }, stale: null },
  { name: 'a web console file copied by the build', files: { ...upToDate, 'controller/server/console/app.js': BEFORE, 'dist/controller/server/console/app.js': BUILT }, stale: null },
  { name: 'a web console file edited after the build', files: { ...upToDate, 'controller/server/console/app.js': AFTER, 'dist/controller/server/console/app.js': BUILT }, stale: 'controller/server/console/app.js' },
  { name: 'a web console file not copied into dist/', files: { ...upToDate, 'controller/server/console/views/new.js': BEFORE }, stale: 'controller/server/console/views/new.js' },
  { name: 'dist/ not built at all', files: { 'controller/cli/main.ts': BEFORE }, stale: 'controller/cli/main.ts' },
];

t.test('dist/ is up to date only when no source is newer than its compiled file', async (t) => {
  for (const row of freshnessRows) t.equal(staleSource(checkout(t, row.files)), row.stale, row.name);
});

/**
 * A checkout whose entry points say which one ran: bin/ as in the repo,
 * controller/cli/main.ts printing "sources", dist/…/main.js printing "dist".
 */
function runnableCheckout(t: Test, opts: { sourceMtime: Date; withSources?: boolean; withTsx?: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'classctl-entry-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  // dereference: in the compiled test tree bin/ is a symbolic link to the repository's.
  cpSync(join(repo, 'bin'), join(root, 'bin'), { recursive: true, dereference: true });
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  const write = (path: string, text: string, mtime: Date) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    utimesSync(join(root, path), mtime, mtime);
  };
  write('dist/controller/cli/main.js', "export async function runCli() { process.stdout.write('dist\\n'); }\n", BUILT);
  if (opts.withSources !== false) write('controller/cli/main.ts', "export async function runCli(): Promise<void> { process.stdout.write('sources\\n'); }\n", opts.sourceMtime);
  if (opts.withTsx !== false) symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

const entryRows = [
  { name: 'dist/ up to date: runs dist/', opts: { sourceMtime: BEFORE }, status: 0, stdout: 'dist\n', stderr: /^$/ },
  { name: 'a source newer than dist/: runs the sources through tsx, never the old dist/', opts: { sourceMtime: AFTER }, status: 0, stdout: 'sources\n', stderr: /^$/ },
  {
    name: 'a source newer than dist/ and no tsx: says what to do and exits 2',
    opts: { sourceMtime: AFTER, withTsx: false },
    status: 2,
    stdout: '',
    stderr: /dist\/ is older than controller\/cli\/main\.ts, and tsx .* is not installed .*npm run build/,
  },
  { name: 'no sources (the image): runs dist/', opts: { sourceMtime: AFTER, withSources: false, withTsx: false }, status: 0, stdout: 'dist\n', stderr: /^$/ },
];

t.test('bin/classctl.js runs dist/ only when it is up to date', async (t) => {
  for (const row of entryRows) {
    t.test(row.name, async (t) => {
      const root = runnableCheckout(t, row.opts);
      const r = spawnSync(process.execPath, [join(root, 'bin', 'classctl.js')], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      t.equal(r.status, row.status, r.stderr);
      t.equal(r.stdout, row.stdout);
      t.match(r.stderr, row.stderr);
    });
  }
});
