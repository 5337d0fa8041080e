// Reading a destination's credentials: the webhook URL may be written in the
// document or read like the secret; a value that cannot be read, or a URL
// read that is not http(s), leaves only that destination out.
import t from 'tap';
import type { Destination } from '../../../controller/core/notifications/destination.js';
import { resolveDestinations } from '../../../controller/runtime/notifications/resolve-destinations.js';

const filter = { eventTypes: null, minSeverity: 'info' as const };
const webhook = (url: Extract<Destination, { type: 'webhook' }>['url']): Destination => ({ name: 'hook', origin: 'hook.yaml', type: 'webhook', url, secretFrom: { env: 'SECRET' }, ...filter });

const cases = [
  { name: 'a literal url is used as written', destination: webhook('https://literal.example/h'), env: { SECRET: 'whsec_abc' }, url: 'https://literal.example/h', problem: null },
  { name: 'urlFrom env: the URL is read from the variable', destination: webhook({ from: { env: 'HOOK_URL' } }), env: { SECRET: 'whsec_abc', HOOK_URL: 'http://127.0.0.1:9/h' }, url: 'http://127.0.0.1:9/h', problem: null },
  { name: 'urlFrom env not set: refused at /spec/urlFrom', destination: webhook({ from: { env: 'HOOK_URL' } }), env: { SECRET: 'whsec_abc' }, url: null, problem: '/spec/urlFrom' },
  { name: 'urlFrom env not an http(s) URL: refused without quoting it', destination: webhook({ from: { env: 'HOOK_URL' } }), env: { SECRET: 'whsec_abc', HOOK_URL: 'ftp://secret-host/x' }, url: null, problem: '/spec/urlFrom' },
  { name: 'urlFrom set but the secret is missing: refused at /spec/secretFrom', destination: webhook({ from: { env: 'HOOK_URL' } }), env: { HOOK_URL: 'http://127.0.0.1:9/h' }, url: null, problem: '/spec/secretFrom' },
  { name: 'urlFrom secretKeyRef outside the cluster: refused at /spec/urlFrom', destination: webhook({ from: { secretKeyRef: { name: 'n', key: 'k' } } }), env: { SECRET: 'whsec_abc' }, url: null, problem: '/spec/urlFrom' },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const r = await resolveDestinations([c.destination], { env: c.env });
    t.strictSame(r.destinations.map((d) => d.url), c.url === null ? [] : [c.url]);
    t.strictSame(r.problems.map((p) => p.pointer), c.problem === null ? [] : [c.problem]);
    for (const p of r.problems) t.notMatch(p.message, /secret-host/, 'the value read is never quoted');
  });
}

t.test('urlFrom secretKeyRef in the cluster: read from the Secret', async (t) => {
  const r = await resolveDestinations([webhook({ from: { secretKeyRef: { name: 'notify', key: 'url' } } })], { env: { SECRET: 'whsec_abc' }, readSecret: async (name, key) => (name === 'notify' && key === 'url' ? 'https://from-secret.example/h' : undefined) });
  t.strictSame(r.destinations.map((d) => d.url), ['https://from-secret.example/h']);
  t.strictSame(r.problems, []);
});
