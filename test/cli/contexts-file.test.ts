// The contexts file's checks, the precedence of options over contexts, and
// password masking: in-process tables (the CLI as a process is
// test/cli/contexts.test.ts).
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassctlError } from '../../controller/core/errors.js';
import { checkContextsFile, contextsFilePath, readContextsFile, writeCurrentContext } from '../../controller/cli/contexts/contexts-file.js';
import { resolveOptions, selectContext, type GivenOptions } from '../../controller/cli/contexts/select-context.js';
import { maskDatabaseUrl } from '../../controller/cli/contexts/database-display.js';
import { runHeaderLine } from '../../controller/cli/run-header.js';

const FILE = '/home/ops/.config/classctl/contexts.yaml';

function thrown(fn: () => unknown): ClassctlError | undefined {
  try {
    fn();
  } catch (err) {
    return err as ClassctlError;
  }
  return undefined;
}

t.test('where the contexts file is', async (t) => {
  const rows = [
    { name: 'CLASSCTL_CONTEXTS wins', env: { CLASSCTL_CONTEXTS: '/etc/classctl/contexts.yaml', HOME: '/home/ops' }, want: '/etc/classctl/contexts.yaml' },
    { name: 'CLASSCTL_CONTEXTS empty: no file at all (jobs that must not pick one up)', env: { CLASSCTL_CONTEXTS: '', HOME: '/home/ops' }, want: null },
    { name: 'XDG_CONFIG_HOME before HOME', env: { XDG_CONFIG_HOME: '/xdg', HOME: '/home/ops' }, want: '/xdg/classctl/contexts.yaml' },
    { name: 'HOME', env: { HOME: '/home/ops' }, want: FILE },
    { name: 'no HOME: none (the process home directory is never guessed)', env: {}, want: null },
  ];
  for (const row of rows) t.equal(contextsFilePath(row.env), row.want, row.name);
});

t.test('checks name the JSON pointer and what to do', async (t) => {
  const rows = [
    { name: 'an unknown field of a context', raw: { contexts: { staging: { databse: 'x' } } }, code: 'CONTEXTS_FILE', message: /at \/contexts\/staging\/databse: unknown field "databse"; the fields are database, database-from-env/ },
    { name: 'an unknown top-level field', raw: { 'current_context': 'x', contexts: {} }, code: 'CONTEXTS_FILE', message: /at \/current_context: unknown field/ },
    { name: 'both database and database-from-env', raw: { contexts: { a: { database: 'postgres://h/d', 'database-from-env': 'URL' } } }, code: 'CONTEXTS_FILE', message: /\/contexts\/a\/database-from-env: give either/ },
    { name: 'a database that is not a postgres URL', raw: { contexts: { a: { database: 'mysql://h/d' } } }, code: 'CONTEXTS_FILE', message: /\/contexts\/a\/database: must be a postgres:\/\/ URL or "embedded"/ },
    { name: 'an unknown config source', raw: { contexts: { a: { 'config-source': 'etcd' } } }, code: 'CONTEXTS_FILE', message: /config-source: must be files or kubernetes/ },
    { name: 'contexts as a list (kubeconfig shape) instead of a mapping', raw: { contexts: [{ name: 'a' }] }, code: 'CONTEXTS_FILE', message: /\/contexts: must be a mapping/ },
    { name: 'a variable name with a dash', raw: { contexts: { a: { 'database-from-env': 'DB-URL' } } }, code: 'CONTEXTS_FILE', message: /must name an environment variable/ },
  ];
  for (const row of rows) {
    const err = thrown(() => checkContextsFile(FILE, row.raw));
    t.equal(err?.code, row.code, `${row.name}: code`);
    t.match(err?.message, row.message, `${row.name}: message`);
    t.match(err?.message, FILE, `${row.name}: names the file`);
  }
});

t.test('a relative config directory is relative to the contexts file, as kubectl resolves kubeconfig paths', async (t) => {
  const file = checkContextsFile(FILE, { contexts: { a: { config: 'classes/config' }, b: { config: '/srv/config' } } });
  t.equal(file.contexts.get('a')?.config, '/home/ops/.config/classctl/classes/config');
  t.equal(file.contexts.get('b')?.config, '/srv/config');
});

const none: GivenOptions = { config: './config', configSource: 'files', explicit: new Set() };

t.test('precedence: command-line flags > the context > environment variables and defaults', async (t) => {
  const staging = { name: 'staging', file: FILE, selectedBy: 'current-context' as const, entry: { name: 'staging', database: 'postgres://h/staging', env: 'staging', config: '/srv/config', configSource: 'files' as const }, database: 'postgres://h/staging' };
  const laptop = { name: 'laptop', file: FILE, selectedBy: '--context' as const, entry: { name: 'laptop', database: 'embedded' }, database: 'embedded' };
  const envOnly = { name: 'k8s', file: FILE, selectedBy: '--context' as const, entry: { name: 'k8s', configSource: 'kubernetes' as const, namespace: 'classes' }, database: undefined };
  const vars = { DATABASE_URL: 'postgres://h/from-var', CLASSCTL_ENV: 'from-var' };
  const rows = [
    { name: 'no context: the variables', given: none, context: null, want: { database: 'postgres://h/from-var', env: 'from-var', config: './config', configSource: 'files' } },
    { name: 'a context wins over the variables', given: none, context: staging, want: { database: 'postgres://h/staging', env: 'staging', config: '/srv/config' } },
    { name: 'flags win over the context', given: { ...none, database: 'postgres://h/flag', env: 'flag', config: './mine', explicit: new Set(['database', 'env', 'config'] as const) }, context: staging, want: { database: 'postgres://h/flag', env: 'flag', config: './mine' } },
    { name: 'a default value of a flag (not typed) does not override the context', given: { ...none, config: './config' }, context: staging, want: { config: '/srv/config' } },
    { name: 'database: embedded ignores DATABASE_URL', given: none, context: laptop, want: { database: undefined, env: 'from-var' } },
    { name: 'a context without a database falls back to DATABASE_URL', given: none, context: envOnly, want: { database: 'postgres://h/from-var', configSource: 'kubernetes', namespace: 'classes' } },
  ];
  for (const row of rows) t.match(resolveOptions(row.given, row.context, vars), row.want, row.name);
});

t.test('selecting: --context over current-context; database-from-env is read when selected', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'classctl-contexts-'));
  const path = join(dir, 'contexts.yaml');
  writeFileSync(path, '# ours\ncurrent-context: a\ncontexts:\n  a: { database: "postgres://h/a" }\n  b: { database-from-env: B_URL, env: b }\n');
  const env = { CLASSCTL_CONTEXTS: path, B_URL: 'postgres://h/b' };
  t.match(await selectContext(undefined, env), { name: 'a', selectedBy: 'current-context', database: 'postgres://h/a' }, 'current-context');
  t.match(await selectContext('b', env), { name: 'b', selectedBy: '--context', database: 'postgres://h/b' }, '--context wins, its variable read');
  await t.rejects(selectContext('b', { CLASSCTL_CONTEXTS: path }), { code: 'CONTEXT_DATABASE_UNSET', message: /B_URL, which is not set/ }, 'an unset variable is a usage error naming it');
  await t.rejects(selectContext('c', env), { code: 'CONTEXT_UNKNOWN', message: /defines a, b/ }, 'an unknown context names the defined ones');
  t.equal(await selectContext(undefined, { CLASSCTL_CONTEXTS: join(dir, 'absent.yaml') }), null, 'no file: no context');
  const dangling = join(dir, 'dangling.yaml');
  writeFileSync(dangling, 'current-context: gone\ncontexts:\n  a: {}\n');
  await t.rejects(selectContext(undefined, { CLASSCTL_CONTEXTS: dangling }), { code: 'CONTEXT_UNKNOWN', message: /current-context of .* is "gone", which is not under contexts \(a\)/ }, 'a current-context naming no context stops a command');
  await writeCurrentContext(dangling, 'a');
  t.match(await selectContext(undefined, { CLASSCTL_CONTEXTS: dangling }), { name: 'a' }, '…and context use repairs it (the file still reads)');
  await writeCurrentContext(path, 'b');
  t.equal((await readContextsFile(path))?.currentContext, 'b', 'context use sets current-context');
  t.match(readFileSync(path, 'utf8'), /^# ours\n/, 'the rest of the file, comments included, is kept');
});

t.test('passwords are masked wherever a database is shown', async (t) => {
  const rows = [
    { name: 'password in the authority', url: 'postgres://app:s3cret@db:5432/classes', want: 'postgres://app:****@db:5432/classes' },
    { name: 'password as a query parameter', url: 'postgresql://app@db/classes?sslmode=require&password=s3cret', want: 'postgresql://app@db/classes?sslmode=require&password=****' },
    { name: 'no password: unchanged', url: 'postgres://app@db:5432/classes', want: 'postgres://app@db:5432/classes' },
    { name: 'a URL without its scheme (it parses as scheme "app:"): never echoed', url: 'app:s3cret@db', want: '(not a postgres:// URL)' },
    { name: 'not a URL: never echoed', url: 's3cret', want: '(not a URL)' },
  ];
  for (const row of rows) {
    t.equal(maskDatabaseUrl(row.url), row.want, row.name);
    t.notMatch(maskDatabaseUrl(row.url), 's3cret', `${row.name}: no secret`);
  }
});

t.test('the header line of a plan or apply', async (t) => {
  const context = { name: 'staging', file: FILE, selectedBy: 'current-context' as const, database: undefined };
  const rows = [
    { name: 'matching stamp', g: { context, database: 'postgres://app:pw@db:5432/classes', env: 'staging' }, stamp: 'staging', want: 'Context: staging · Database: postgres://app:****@db:5432/classes · env: staging\n' },
    { name: 'no context, unstamped database', g: { database: 'postgres://db/x' }, stamp: null, want: 'Context: (none) · Database: postgres://db/x · env: (none)\n' },
    { name: 'a mismatch says writes are refused', g: { context, database: 'postgres://db/x', env: 'staging' }, stamp: 'production', want: 'Context: staging · Database: postgres://db/x · env: production (expected staging: writes are refused)\n' },
  ];
  for (const row of rows) t.equal(runHeaderLine(row.g, row.stamp), row.want, row.name);
});
