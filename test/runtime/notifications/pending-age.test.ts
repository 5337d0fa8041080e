// classctl_notifications_oldest_pending_age_seconds: after a delivery pass,
// the seconds since the oldest still-waiting delivery's event was written
// (0 when none waits). Delivered and dead deliveries do not count; the clock
// is the pass's own (fixed here), the event's age its outbox row's created_at.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeEvent } from '../../../controller/core/notifications/event.js';
import { openDatabase } from '../../../controller/store/database.js';
import { insertEvents } from '../../../controller/store/notifications/outbox.js';
import { deliverNotifications } from '../../../controller/runtime/notifications/deliver.js';
import { createMetrics } from '../../../controller/runtime/metrics.js';
import { migratedPostgresDatabase, requirePostgres } from '../../helpers/db.js';
import { silentLogger } from '../../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const SECRET = 'whsec_' + Buffer.from('a test secret of thirty-two bytes').toString('base64');

const cases = [
  { name: 'nothing in the outbox: 0', events: [] as Array<{ ageSeconds: number; status?: 'dead' }>, answer: 200, pending: 0, age: 0 },
  { name: 'every event delivered: 0, however old they were', events: [{ ageSeconds: 600 }], answer: 200, pending: 0, age: 0 },
  { name: 'one failed delivery written 90 s ago: 90', events: [{ ageSeconds: 90 }], answer: 500, pending: 1, age: 90 },
  { name: 'several waiting: the oldest one counts', events: [{ ageSeconds: 30 }, { ageSeconds: 3_600 }, { ageSeconds: 5 }], answer: 503, pending: 3, age: 3_600 },
  { name: 'a dead delivery, older still, is not waiting: only the pending one counts', events: [{ ageSeconds: 86_400, status: 'dead' as const }, { ageSeconds: 45 }], answer: 500, pending: 1, age: 45 },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    if (!requirePostgres(t)) return;
    const db = await openDatabase({ url: await migratedPostgresDatabase(t) });
    t.teardown(() => db.close());
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = c.answer;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.teardown(() => new Promise<void>((r) => server.close(() => r())));
    const destination = { name: 'ops', type: 'webhook' as const, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, secret: SECRET, targetDigest: 'a', filter: { eventTypes: null, minSeverity: 'info' as const } };

    for (const [i, e] of c.events.entries()) {
      const ev = makeEvent('run.failed', { runId: String(i + 1), occurredAt: new Date(NOW).toISOString(), key: [i] }, { error: 'x' });
      await insertEvents(db, [ev]);
      await db.query(`UPDATE notification_outbox SET created_at = $2::timestamptz WHERE id = $1`, [ev.id, new Date(NOW - e.ageSeconds * 1000).toISOString()]);
      if (e.status === 'dead') {
        await db.query(`UPDATE notification_outbox SET routed_at = $2::timestamptz WHERE id = $1`, [ev.id, new Date(NOW).toISOString()]);
        await db.query(`INSERT INTO notification_deliveries (event_id, destination, status, attempts, next_attempt_at) VALUES ($1, 'ops', 'dead', 8, $2::timestamptz)`, [ev.id, new Date(NOW).toISOString()]);
      }
    }
    const metrics = createMetrics();
    metrics.notifications.oldestPendingAge.set(12_345);
    const s = await deliverNotifications({ db, destinations: [destination], log: silentLogger(), clock: () => NOW, random: () => 0.5, metrics: metrics.notifications });
    t.match(s, { pending: c.pending, oldestPendingAgeSeconds: c.age });
    const text = await metrics.registry.metrics();
    t.match(text, new RegExp(`\\nclassctl_notifications_oldest_pending_age_seconds ${c.age}\\n`), 'the gauge is set on every pass, to 0 when none waits');
  });
}
