// Shared set-up for the fault-injection tests: real PostgreSQL only (locks,
// killed connections and crashed processes cannot be shown on PGlite).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { parse as parseYaml } from 'yaml';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { takeSnapshot } from '../../controller/store/snapshot.js';
import { migratedPostgresDatabase } from '../helpers/db.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLASSCTL = fileURLToPath(new URL('../../bin/classctl.js', import.meta.url));
/** The repository's example config and demo data: three branches in three zones. */
export const CONFIG_DIR = fileURLToPath(new URL('../../config', import.meta.url));
export const DEMO_FILE = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));
export const NOW_ISO = '2026-11-25T15:00:00Z';

export async function demoDatabase(t: Test): Promise<{ url: string; db: Database }> {
  const url = await migratedPostgresDatabase(t);
  const db = await openDatabase({ url });
  t.teardown(() => db.close());
  const loaded = await loadInputs(db, parseYaml(await readFile(DEMO_FILE, 'utf8')));
  if (loaded.problems.some((p) => p.severity === 'error')) throw new Error(JSON.stringify(loaded.problems));
  return { url, db };
}

/**
 * What must be equal between two histories: sessions without their random
 * ids and audit times (created/updated/deleted at are the database clock of
 * the write, which differs between two databases by construction).
 */
export async function comparableSnapshot(db: Database) {
  const s = await takeSnapshot(db);
  return {
    ...s,
    sessions: s.sessions.map(({ id: _id, createdAt: _c, updatedAt: _u, ...rest }) => rest),
    archivedSeries: s.archivedSeries.map(({ deletedAt: _d, ...rest }) => rest),
  };
}

export interface ChildRun {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the child prints `classctl-fault-pause …`. */
  paused: Promise<string>;
}

export function runClassctl(args: string[], env: Record<string, string> = {}): ChildRun {
  const child = spawn(process.execPath, [CLASSCTL, ...args], {
    cwd: ROOT,
    env: { ...process.env, CLASSCTL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let onPause: (line: string) => void = () => {};
  const paused = new Promise<string>((resolve) => (onPause = resolve));
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => {
    err += d;
    const m = /classctl-fault-pause ([^\n]*)/.exec(err);
    if (m) onPause(m[1]!);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => err, stdout: () => out, exit, paused };
}

export function reconcileArgs(url: string, extra: string[] = []): string[] {
  return ['reconcile', '--apply', '--now', NOW_ISO, '--allow-now-skew', '--database', url, '--config', CONFIG_DIR, '--output', 'json', ...extra];
}

/** Advisory locks held in this test's database (pg_locks spans the cluster, where other tests may hold theirs). */
export async function advisoryLocks(db: Database): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return rows[0]!.n;
}
