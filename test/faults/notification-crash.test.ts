// Notifications survive crashes (real PostgreSQL, separate processes killed
// with SIGKILL): (a) a run killed after its commit and before it delivers
// leaves its events in the outbox, and the next run delivers each of them
// exactly once by webhook-id, signed; (b) a run killed inside a branch
// transaction leaves neither that branch's changes, nor their outbox events,
// nor their session_events.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../controller/store/database.js';
import { requirePostgres } from '../helpers/db.js';
import { deliveriesById, startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { advisoryLocks, CONFIG_DIR, demoDatabase, NOW_ISO, ROOT, runClassctl } from './harness.js';

/** The repository's config with the webhook example copied in, as an admin would. */
function configWithWebhook(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'classctl-crash-notify-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(CONFIG_DIR, dir, { recursive: true, dereference: true });
  cpSync(join(ROOT, 'examples/notifications/webhook.yaml'), join(dir, 'webhook.yaml'));
  return dir;
}

const args = (url: string, config: string) => ['reconcile', '--apply', '--now', NOW_ISO, '--allow-now-skew', '--database', url, '--config', config, '--output', 'json'];

/**
 * Books the last `n` sessions of `seriesId` and ends the series just before
 * them: the next run cancels booked sessions, each a session.cancelled event.
 */
async function bookAndEndSeries(db: Database, seriesId: string, n: number): Promise<string[]> {
  const keys = (await db.query<{ k: string }>(`SELECT occurrence_key AS k FROM class_sessions WHERE series_id = $1 AND status = 'scheduled' ORDER BY occurrence_key DESC LIMIT $2`, [seriesId, n + 1])).map((r) => r.k);
  const booked = keys.slice(0, n);
  await db.query(`UPDATE class_sessions SET booked_count = 2 WHERE series_id = $1 AND occurrence_key = ANY($2::text[])`, [seriesId, booked]);
  await db.query(`UPDATE class_series SET end_date = $2::date WHERE id = $1`, [seriesId, keys[n]!.slice(0, 10)]);
  return booked.sort();
}

async function waitForNoLocks(db: Database): Promise<number> {
  for (let i = 0; i < 50 && (await advisoryLocks(db)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return advisoryLocks(db);
}

if (requirePostgres(t)) {
  t.test('killed after the run committed, before it delivered: the next run delivers every event once', async (t) => {
    const { url, db } = await demoDatabase(t);
    const secret = 'whsec_' + randomBytes(32).toString('base64');
    const hook = await startWebhookReceiver(t, secret);
    const config = configWithWebhook(t);
    const env = { CLASSCTL_WEBHOOK_URL: hook.url, CLASSCTL_WEBHOOK_SECRET: secret };

    const first = runClassctl(args(url, config), env);
    t.equal((await first.exit).code, 0, 'the first run creates the sessions') || t.comment(first.stderr());
    t.equal(deliveriesById(hook).size, 0, 'creating sessions tells nobody');
    const booked = await bookAndEndSeries(db, 'downtown-bootcamp-sat', 3);

    const killed = runClassctl(args(url, config), { ...env, CLASSCTL_FAULT_PAUSE: 'before-delivery' });
    t.equal(await killed.paused, 'before-delivery');
    const outbox = await db.query<{ id: string; type: string; key: string }>(`SELECT id, type, data->>'occurrenceKey' AS key FROM notification_outbox ORDER BY id`);
    t.strictSame(outbox.map((e) => [e.type, e.key]).sort(), booked.map((k) => ['session.cancelled', k]), 'the run committed one event per cancelled booked session');
    t.match(await db.query(`SELECT status FROM reconcile_runs ORDER BY id DESC LIMIT 1`), [{ status: 'succeeded' }], 'the journal row is committed');
    killed.child.kill('SIGKILL');
    t.equal((await killed.exit).signal, 'SIGKILL');
    t.equal(deliveriesById(hook).size, 0, 'nothing was sent before the kill');
    t.equal(await waitForNoLocks(db), 0, 'no advisory lock left');

    const next = runClassctl(args(url, config), env);
    t.equal((await next.exit).code, 0, 'the next run exits 0') || t.comment(next.stderr());
    t.strictSame(hook.rejected, [], 'every delivery verifies');
    t.strictSame([...deliveriesById(hook).keys()].sort(), outbox.map((e) => e.id), 'every committed event reached the receiver, by its webhook-id');
    t.ok([...deliveriesById(hook).values()].every((n) => n === 1), 'each exactly once');
    t.strictSame(await db.query(`SELECT DISTINCT status FROM notification_deliveries`), [{ status: 'delivered' }]);
    const after = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_outbox`);
    t.equal(after[0]!.n, outbox.length, 'the next run wrote no event of its own (nothing changed)');
  });

  t.test('killed inside a branch transaction: neither its changes nor their outbox events nor session_events exist', async (t) => {
    const { url, db } = await demoDatabase(t);
    const secret = 'whsec_' + randomBytes(32).toString('base64');
    const hook = await startWebhookReceiver(t, secret);
    const config = configWithWebhook(t);
    const env = { CLASSCTL_WEBHOOK_URL: hook.url, CLASSCTL_WEBHOOK_SECRET: secret };

    const first = runClassctl(args(url, config), env);
    t.equal((await first.exit).code, 0) || t.comment(first.stderr());
    const booked = await bookAndEndSeries(db, 'london-soho-barre-sat', 2);
    const sessionsBefore = await db.query(`SELECT id, status, booked_count FROM class_sessions WHERE branch_id = 'london-soho' ORDER BY id`);
    const eventsBefore = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM session_events`);

    const killed = runClassctl(args(url, config), { ...env, CLASSCTL_FAULT_PAUSE: 'before-branch-commit:london-soho' });
    t.equal(await killed.paused, 'before-branch-commit london-soho');
    killed.child.kill('SIGKILL');
    t.equal((await killed.exit).signal, 'SIGKILL');
    t.equal(await waitForNoLocks(db), 0, 'the killed connection is gone: its transaction rolled back');

    t.strictSame(await db.query(`SELECT id, status, booked_count FROM class_sessions WHERE branch_id = 'london-soho' ORDER BY id`), sessionsBefore, "the branch's sessions are as before the run");
    t.strictSame(await db.query(`SELECT id FROM notification_outbox`), [], 'no outbox event of the rolled-back branch');
    t.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM session_events`))[0]!.n, eventsBefore[0]!.n, 'no session_events row of it either');
    t.equal(deliveriesById(hook).size, 0, 'and nothing was sent');

    // The same changes, committed by the next run, do produce them: the assertions above could fail.
    const next = runClassctl(args(url, config), env);
    t.equal((await next.exit).code, 0) || t.comment(next.stderr());
    const outbox = await db.query<{ type: string; key: string }>(`SELECT type, data->>'occurrenceKey' AS key FROM notification_outbox WHERE branch_id = 'london-soho'`);
    t.strictSame(outbox.map((e) => [e.type, e.key]).sort(), booked.map((k) => ['session.cancelled', k]));
    t.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM session_events WHERE kind = 'cancel' AND branch_id = 'london-soho'`))[0]!.n, booked.length);
    t.equal(deliveriesById(hook).size, booked.length, 'delivered once each');
  });
}
