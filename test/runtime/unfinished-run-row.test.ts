// A run whose journal finish cannot be written (the database refuses every
// connection through all the retries) leaves its row 'running'; the next run
// of the same process (serve's next interval) writes that finish first, so
// the row does not wait for its lease to expire. Real PostgreSQL: the
// database is closed to connections with ALLOW_CONNECTIONS false.
import postgres from 'postgres';
import t from 'tap';
import { openRunJournal } from '../../controller/runtime/run-lease.js';
import { openTestDatabase } from '../helpers/backends.js';
import { requirePostgres } from '../helpers/db.js';
import { silentLogger } from '../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const NO_WAIT_RETRY = { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1, delay: async () => {} };
const LONG_LEASE = { durationMs: 600_000, renewEveryMs: 600_000 };

if (requirePostgres(t)) {
  t.test("a finish lost to an unreachable database is written by the process's next run", async (t) => {
    const db = await openTestDatabase(t, 'postgres');
    const name = new URL(db.describe().replace(/^[^:]*:\/\//, 'postgres://')).pathname.slice(1);
    const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    t.teardown(async () => {
      await admin.unsafe(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    });
    const open = () => openRunJournal({ db, log: silentLogger(), retry: NO_WAIT_RETRY, lease: LONG_LEASE, clock: () => NOW, start: { mode: 'apply', nowMs: NOW, configDigest: 'd', startedAtMs: NOW } });
    const status = async (id: string) => (await db.query<{ status: string }>(`SELECT status FROM reconcile_runs WHERE id = $1::bigint`, [id]))[0]?.status;

    const first = await open();
    await admin.unsafe(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
    await first.finish({ status: 'succeeded', summary: { create: 3 }, error: null });
    await admin.unsafe(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    t.equal(await status(first.runId), 'running', 'the finish could not be written: the row is still running');

    const second = await open();
    t.equal(await status(first.runId), 'succeeded', 'the next run wrote the lost finish before its own row');
    t.same(second.interrupted, [], 'so it was not marked interrupted');
    await second.finish({ status: 'succeeded', summary: {}, error: null });
    t.equal(await status(second.runId), 'succeeded');
  });
}
