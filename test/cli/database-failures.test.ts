// Every command that uses the database fails the same way when it cannot:
// an unmigrated database says to run `classctl migrate`; a refused port, an
// unknown host, a refused login, an unknown database and a malformed URL each
// say what to check — one `classctl: …` line, no stack trace, the exit code of
// its error code, and with `--output json` a JSON error object on stdout.
// Also --now outside the years 1900–9999 and --out into a missing directory.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClassctlInProcess } from '../helpers/cli.js';
import { databaseUrl, freshPostgresDatabase, requirePostgres } from '../helpers/db.js';

/** The CLI in-process; a rejection (an error main did not handle) is a result too, with its stack. */
async function classctl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    return await runClassctlInProcess({}, '--log-level', 'silent', '--config', 'config', ...args);
  } catch (err) {
    return { code: -1, out: '', err: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

const STACK_LINE = /^\s+at /m;

interface Target {
  name: string;
  url: () => Promise<string>;
  code: number;
  errorCode: string;
  says: RegExp;
}

function withDatabaseName(name: string): string {
  const u = new URL(databaseUrl()!);
  u.pathname = `/${name}`;
  return u.toString();
}

t.test('a database a command cannot use is explained, not thrown', async (t) => {
  if (!requirePostgres(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'classctl-dbfail-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const loadFile = join(dir, 'inputs.yaml');
  writeFileSync(loadFile, 'branches: [{ id: ny, name: New York, timezone: America/New_York }]\n');

  const targets: Target[] = [
    { name: 'an unmigrated PostgreSQL database', url: () => freshPostgresDatabase(t), code: 1, errorCode: 'DB_NOT_MIGRATED', says: /Run `classctl migrate` with the same --database first\./ },
    { name: 'a refused port', url: async () => 'postgres://postgres@127.0.0.1:1/classctl', code: 1, errorCode: 'DB_ERROR', says: /postgres:\/\/127\.0\.0\.1:1\/classctl.*the connection was refused\. Check that PostgreSQL is running there/ },
    { name: 'a database that does not exist', url: async () => withDatabaseName('classctl_no_such_database'), code: 1, errorCode: 'DB_ERROR', says: /that database does not exist on the server\. Create it \(createdb NAME\) and run `classctl migrate`/ },
    { name: 'a role the server does not know', url: async () => { const u = new URL(databaseUrl()!); u.username = 'classctl_no_such_role'; return u.toString(); }, code: 1, errorCode: 'DB_ERROR', says: /the server refused the login\. Check the user and password/ },
    { name: 'a URL that is not a URL', url: async () => 'not a url', code: 2, errorCode: 'USAGE', says: /The database URL \(--database or DATABASE_URL\) is not a URL\. Give --database .* as postgres:\/\/USER/ },
    { name: 'a port that is not a number', url: async () => 'postgres://postgres@127.0.0.1:port/x', code: 2, errorCode: 'USAGE', says: /is not a URL/ },
    { name: 'a malformed percent-escape', url: async () => 'postgres://us%zzer@127.0.0.1/x', code: 2, errorCode: 'USAGE', says: /malformed percent-escape/ },
    { name: 'another database system', url: async () => 'mysql://root@127.0.0.1/x', code: 2, errorCode: 'USAGE', says: /starts with "mysql:\/\/"; classctl speaks only to PostgreSQL/ },
  ];
  const commands: Array<{ args: string[]; json: boolean }> = [
    { args: ['reconcile'], json: true },
    { args: ['runs'], json: true },
    { args: ['doctor'], json: true },
    { args: ['explain', 'downtown-yoga-mon'], json: true },
    { args: ['simulate', '--from', '2026-11-25T00:00:00Z', '--to', '2026-11-25T01:00:00Z'], json: false },
    { args: ['snapshot'], json: true },
    { args: ['load', loadFile], json: false },
    { args: ['env', 'show'], json: false },
  ];

  for (const target of targets) {
    await t.test(target.name, async (t) => {
      const url = await target.url();
      for (const c of commands) {
        const name = c.args[0]!;
        const r = await classctl('--database', url, ...c.args);
        t.equal(r.code, target.code, `${name}: exit ${target.code}`);
        t.match(r.err, target.says, `${name}: says what to do`);
        t.match(r.err, /^classctl: /, `${name}: one classctl: line`);
        t.notMatch(r.err, STACK_LINE, `${name}: no stack trace`);
        t.notMatch(r.err, /PostgresError|TypeError|RangeError/, `${name}: no raw error class`);
        if (!c.json) continue;
        const j = await classctl('--database', url, ...c.args, '--output', 'json');
        t.equal(j.code, target.code, `${name} --output json: exit ${target.code}`);
        let body: { error?: { code?: string; message?: string } } = {};
        t.doesNotThrow(() => (body = JSON.parse(j.out)), `${name} --output json: stdout is JSON`);
        t.equal(body.error?.code, target.errorCode, `${name} --output json: error.code`);
        t.match(body.error?.message, target.says, `${name} --output json: error.message says what to do`);
      }
    });
  }
});

t.test('--now outside the years 1900–9999 is a usage error naming --now', async (t) => {
  const rows = [
    { name: 'the year 1', now: '0001-01-01T00:00:00Z' },
    { name: 'the year 1899', now: '1899-12-31T23:59:59Z' },
    { name: 'an expanded year past 9999', now: '+010000-01-01T00:00:00Z' },
  ];
  for (const row of rows) {
    // A refused port: --now is checked before the database is opened.
    const r = await classctl('--database', 'postgres://postgres@127.0.0.1:1/x', 'reconcile', '--now', row.now, '--output', 'json');
    t.equal(r.code, 2, `${row.name}: exit 2`);
    t.match(r.err, new RegExp(`classctl: --now "${row.now.replace('+', '\\+')}" is outside the years 1900 to 9999`), `${row.name}: names --now`);
    t.notMatch(r.err, STACK_LINE, `${row.name}: no stack trace`);
    t.match(JSON.parse(r.out || '{}'), { error: { code: 'USAGE' } }, `${row.name}: JSON error on stdout`);
  }
});

t.test('--out into a missing directory is a usage error naming the path, before the run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'classctl-out-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rows = [
    { name: 'a directory that does not exist', out: join(dir, 'no-such-dir', 'plan.json'), says: /does not exist; create it or save the plan elsewhere/ },
    { name: 'a path that is a directory', out: dir, says: /it is a directory; name a file in it/ },
    { name: 'a parent that is a file', out: join(loadFileIn(dir), 'plan.json'), says: /is not a directory/ },
  ];
  for (const row of rows) {
    const r = await classctl('--database', 'postgres://postgres@127.0.0.1:1/x', 'reconcile', '--plan', '--out', row.out);
    t.equal(r.code, 2, `${row.name}: exit 2`);
    t.match(r.err, `classctl: --out "${row.out}": `, `${row.name}: names the path`);
    t.match(r.err, row.says, row.name);
    t.match(r.err, /Nothing was planned or written\./);
    t.notMatch(r.err, /refused/, `${row.name}: checked before the database is opened`);
    t.notMatch(r.err, STACK_LINE);
  }
});

function loadFileIn(dir: string): string {
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  return file;
}
