// Test databases. Every test file that needs PostgreSQL gets a database of its
// own, created on the server of DATABASE_URL and dropped afterwards, so test
// files can run in parallel. Without DATABASE_URL those tests are skipped —
// unless REQUIRE_DATABASE=1 (CI), where a skip would hide missing coverage.
import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';

export function databaseUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

/** `true` when PostgreSQL tests can run; otherwise skips (or fails under REQUIRE_DATABASE). */
export function requirePostgres(t: Test): boolean {
  if (databaseUrl()) return true;
  if (process.env.REQUIRE_DATABASE === '1') {
    t.fail('DATABASE_URL is not set but REQUIRE_DATABASE=1: PostgreSQL tests must run');
  } else {
    t.plan(0, 'DATABASE_URL not set: PostgreSQL tests skipped');
  }
  return false;
}

/** Creates a fresh database for this test and returns its URL; dropped in teardown. */
export async function freshPostgresDatabase(t: Test): Promise<string> {
  const base = new URL(databaseUrl()!);
  const name = `${base.pathname.slice(1) || 'classctl'}_t${randomBytes(5).toString('hex')}`.slice(0, 60);
  const admin = postgres(base.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  await admin.end();
  t.teardown(async () => {
    const a = postgres(base.toString(), { max: 1, onnotice: () => {} });
    await a.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
    await a.unsafe(`DROP DATABASE IF EXISTS "${name}"`);
    await a.end();
  });
  const url = new URL(base.toString());
  url.pathname = '/' + name;
  return url.toString();
}
