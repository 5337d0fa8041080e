// A webhook receiver on 127.0.0.1 that checks every delivery the way
// docs/notifications.md tells receivers to: standardwebhooks' Webhook.verify
// with the shared secret. Deliveries that verify are kept, in arrival order,
// with their webhook-id (a retry repeats it); the others are answered 400 and
// their errors kept.
import type { Test } from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface VerifiedDelivery {
  id: string;
  event: { type: string; data: Record<string, unknown> };
}

export interface WebhookReceiver {
  url: string;
  verified: VerifiedDelivery[];
  rejected: string[];
}

export async function startWebhookReceiver(t: Test, secret: string): Promise<WebhookReceiver> {
  const wh = new Webhook(secret);
  const verified: VerifiedDelivery[] = [];
  const rejected: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        const event = wh.verify(body, req.headers as Record<string, string>) as VerifiedDelivery['event'];
        verified.push({ id: req.headers['webhook-id'] as string, event });
        res.statusCode = 204;
      } catch (err) {
        rejected.push(String(err));
        res.statusCode = 400;
      }
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/classctl`, verified, rejected };
}

/** How many times each webhook-id arrived. */
export function deliveriesById(receiver: WebhookReceiver): Map<string, number> {
  const byId = new Map<string, number>();
  for (const d of receiver.verified) byId.set(d.id, (byId.get(d.id) ?? 0) + 1);
  return byId;
}
