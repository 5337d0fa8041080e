// serve's deliverer: a pass at start, the next one scheduled through the
// injected timer (recorded, not slept), the metrics counted; and on a
// production database without CLASSCTL_ALLOW_APPLY it writes nothing.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeEvent } from '../../../controller/core/notifications/event.js';
import { createMetrics } from '../../../controller/runtime/metrics.js';
import { startDeliveryLoop } from '../../../controller/runtime/notifications/delivery-loop.js';
import { openDatabase } from '../../../controller/store/database.js';
import { insertEvents } from '../../../controller/store/notifications/outbox.js';
import { ENVIRONMENT_SETTING, setSetting } from '../../../controller/store/settings.js';
import { migratedPostgresDatabase, requirePostgres } from '../../helpers/db.js';
import { silentLogger } from '../../helpers/fixtures.js';

const cases = [
  { name: 'an unstamped database: delivered, counted, next pass scheduled', stamp: null, allowApply: undefined, delivered: 1 },
  { name: 'production with CLASSCTL_ALLOW_APPLY=true: delivered', stamp: 'production', allowApply: 'true', delivered: 1 },
  { name: 'production without CLASSCTL_ALLOW_APPLY: nothing sent, the outbox untouched', stamp: 'production', allowApply: undefined, delivered: 0 },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    if (!requirePostgres(t)) return;
    const db = await openDatabase({ url: await migratedPostgresDatabase(t) });
    t.teardown(() => db.close());
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => res.end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.teardown(() => new Promise<void>((r) => server.close(() => r())));
    if (c.stamp) await setSetting(db, ENVIRONMENT_SETTING, c.stamp);
    await insertEvents(db, [makeEvent('run.failed', { runId: '1', occurredAt: '2026-11-25T15:00:00.000Z', key: [1] }, { error: 'x' })]);

    const metrics = createMetrics();
    const delays: number[] = [];
    let scheduled!: () => void;
    const passDone = new Promise<void>((r) => (scheduled = r));
    const loop = startDeliveryLoop({
      db,
      log: silentLogger(),
      metrics: metrics.notifications,
      guards: { expectedEnv: undefined, allowApply: c.allowApply },
      loadDestinations: async () => [{ name: 'ops', type: 'webhook', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, secret: 'whsec_' + Buffer.from('k'.repeat(32)).toString('base64'), targetDigest: 'a', filter: { eventTypes: null, minSeverity: 'info' } }],
      everyMs: 1234,
      setTimer: (_fn, ms) => {
        delays.push(ms);
        scheduled();
        return {};
      },
      clearTimer: () => {},
    });
    await passDone;
    await loop.stop();
    t.equal(hits, c.delivered);
    t.strictSame(delays, [1234], 'the next pass is scheduled after the interval');
    const text = await metrics.registry.metrics();
    t.match(text, new RegExp(`classctl_notifications_delivered_total\\{type="webhook"\\} ${c.delivered}`));
    t.match(text, /classctl_notifications_dead_total\{type="slack"\} 0/, 'every label exists from the start');
    const routed = await db.query<{ routed: boolean }>(`SELECT routed_at IS NOT NULL AS routed FROM notification_outbox`);
    t.strictSame(routed.map((r) => r.routed), [c.delivered === 1], 'a refused deliverer does not even route');
  });
}
