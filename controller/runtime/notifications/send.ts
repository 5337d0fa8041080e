// One HTTP attempt to one destination. A webhook is signed per Standard
// Webhooks (webhook-id: the event's stable id, the same on every attempt;
// webhook-timestamp: this attempt's time; webhook-signature: v1 HMAC-SHA256).
import { Webhook } from 'standardwebhooks';
import type { NotificationEvent } from '../../core/notifications/event.js';
import { slackBody, webhookBody } from '../../core/notifications/render-message.js';
import type { ResolvedDestination } from './resolve-destinations.js';

/** A receiver that has not answered in this time is treated as down (the attempt is retried). */
export const SEND_TIMEOUT_MS = 5_000;

export type SendOutcome = { kind: 'delivered'; status: number } | { kind: 'gone'; status: 410 } | { kind: 'failed'; status: number | null; error: string };

export async function sendEvent(d: ResolvedDestination, event: NotificationEvent, atMs: number, timeoutMs = SEND_TIMEOUT_MS): Promise<SendOutcome> {
  const body = d.type === 'webhook' ? webhookBody(event) : slackBody(event);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'classctl' };
  if (d.type === 'webhook') {
    const signature = new Webhook(d.secret!).sign(event.id, new Date(atMs), body);
    headers['webhook-id'] = event.id;
    headers['webhook-timestamp'] = String(Math.floor(atMs / 1000));
    headers['webhook-signature'] = signature;
  }
  try {
    const res = await fetch(d.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    // The body is not read beyond a short excerpt for the error: a receiver's answer is not ours to keep.
    const excerpt = res.ok ? '' : (await res.text().catch(() => '')).slice(0, 200);
    if (res.ok) return { kind: 'delivered', status: res.status };
    if (res.status === 410) return { kind: 'gone', status: 410 };
    return { kind: 'failed', status: res.status, error: `HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    const name = (err as { name?: string }).name;
    return { kind: 'failed', status: null, error: name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${cause ?? (err instanceof Error ? err.message : String(err))}` };
  }
}
