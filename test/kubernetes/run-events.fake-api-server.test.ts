// Kubernetes Events for runs that did not succeed, against a fake API server
// (node:http in this process, speaking only POST /api/v1/namespaces/NS/events):
// no real API server can run here.
import t, { type Test } from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { recordRunEvent } from '../../controller/runtime/notifications/kubernetes-events.js';

const AT = Date.parse('2026-11-25T15:00:00Z');

async function fakeEventsApi(t: Test, status: number) {
  const received: Array<{ method: string; path: string; body: any }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method!, path: req.url!, body: body ? JSON.parse(body) : null });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status < 300 ? body : JSON.stringify({ kind: 'Status', status: 'Failure', code: status, reason: 'Forbidden', message: 'events is forbidden' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'c', cluster: 'fake', user: 'u', namespace: 'ns1' }],
    currentContext: 'c',
  });
  return { kc, received };
}

const cases = [
  { name: 'a failed run: a Warning RunFailed event on the pod', outcome: 'failed' as const, reason: 'RunFailed', created: true },
  { name: 'a refused run: RunRefused', outcome: 'refused' as const, reason: 'RunRefused', created: true },
  { name: 'a run that succeeded: no event, no request', outcome: 'succeeded' as const, reason: null, created: false },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const api = await fakeEventsApi(t, 201);
    const r = await recordRunEvent({ runId: '7', outcome: c.outcome, message: 'downtown: connection reset', atMs: AT }, { kubeConfig: api.kc, podName: 'classctl-abc' });
    t.equal(r.created, c.created, r.error ?? '');
    if (!c.reason) return t.equal(api.received.length, 0);
    t.match(api.received, [
      {
        method: 'POST',
        path: '/api/v1/namespaces/ns1/events',
        body: { type: 'Warning', reason: c.reason, message: 'Run 7: downtown: connection reset', involvedObject: { kind: 'Pod', name: 'classctl-abc', namespace: 'ns1' }, metadata: { generateName: 'classctl-run-' }, firstTimestamp: '2026-11-25T15:00:00.000Z' },
      },
    ]);
  });
}

t.test('the API refuses (no RBAC for events): reported, not thrown', async (t) => {
  const api = await fakeEventsApi(t, 403);
  const r = await recordRunEvent({ runId: '7', outcome: 'failed', message: 'x', atMs: AT }, { kubeConfig: api.kc, podName: 'p' });
  t.equal(r.created, false);
  t.match(r.error, /403|forbidden/i);
});
