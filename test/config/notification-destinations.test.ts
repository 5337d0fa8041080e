// NotificationDestination documents live in the config directory beside the
// SchedulingConfigs: the scheduling configuration ignores them, the
// notifications read them, and an invalid one is reported without stopping
// the others.
import t from 'tap';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { loadDestinationsFromDir } from '../../controller/sources/notification-destinations.js';

const EXAMPLES = new URL('../../examples/notifications/', import.meta.url).pathname;

t.test('the examples are valid destinations', async (t) => {
  const r = await loadDestinationsFromDir(EXAMPLES);
  t.strictSame(r.problems, []);
  t.strictSame(r.destinations.map((d) => [d.name, d.type]), [['front-desk-slack', 'slack'], ['ops-webhook', 'webhook']]);
});

const cases = [
  { name: 'a valid destination beside the config: no config problem, one destination', extra: '', destinations: ['ops-webhook'], problems: [] as string[] },
  {
    name: 'an invalid destination is reported with its pointer and the valid one still used',
    extra: 'apiVersion: scheduling.classctl.dev/v1\nkind: NotificationDestination\nmetadata: { name: broken }\nspec: { type: webhook, url: "ftp://x", secretFrom: { env: X } }\n',
    destinations: ['ops-webhook'],
    problems: ['broken /spec/url'],
  },
  {
    name: 'a webhook with a literal url instead of urlFrom is valid',
    extra: 'apiVersion: scheduling.classctl.dev/v1\nkind: NotificationDestination\nmetadata: { name: literal }\nspec: { type: webhook, url: "https://x.example", secretFrom: { env: X } }\n',
    destinations: ['literal', 'ops-webhook'],
    problems: [],
  },
  {
    name: 'a webhook with both url and urlFrom: refused at urlFrom',
    extra: 'apiVersion: scheduling.classctl.dev/v1\nkind: NotificationDestination\nmetadata: { name: both }\nspec: { type: webhook, url: "https://x.example", urlFrom: { env: U }, secretFrom: { env: X } }\n',
    destinations: ['ops-webhook'],
    problems: ['both /spec/urlFrom'],
  },
  {
    name: 'a webhook with neither url nor urlFrom: refused at spec',
    extra: 'apiVersion: scheduling.classctl.dev/v1\nkind: NotificationDestination\nmetadata: { name: neither }\nspec: { type: webhook, secretFrom: { env: X } }\n',
    destinations: ['ops-webhook'],
    problems: ['neither /spec'],
  },
  {
    name: 'two destinations of one name: both refused',
    extra: 'apiVersion: scheduling.classctl.dev/v1\nkind: NotificationDestination\nmetadata: { name: ops-webhook }\nspec: { type: slack, urlFrom: { env: X } }\n',
    destinations: [],
    problems: ['ops-webhook /metadata/name', 'ops-webhook /metadata/name'],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'classctl-dest-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(new URL('../../config/', import.meta.url).pathname, dir, { recursive: true });
    cpSync(join(EXAMPLES, 'webhook.yaml'), join(dir, 'notify.yaml'));
    if (c.extra) writeFileSync(join(dir, 'notify-more.yaml'), c.extra);
    const config = await loadConfigDocumentsFromDir(dir);
    t.strictSame(config.problems, [], 'the scheduling configuration does not see the destinations');
    const r = await loadDestinationsFromDir(dir);
    t.strictSame(r.destinations.map((d) => d.name), c.destinations);
    t.strictSame(r.problems.map((p) => `${p.document} ${p.pointer}`), c.problems);
  });
}

t.test('classctl validate reports an invalid destination with its file, document and pointer (exit 2)', async (t) => {
  const { runClassctlInProcess } = await import('../helpers/cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'classctl-dest-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(new URL('../../config/', import.meta.url).pathname, dir, { recursive: true });
  cpSync(join(EXAMPLES, 'slack.yaml'), join(dir, 'slack.yaml'));
  let r = await runClassctlInProcess({ CLASSCTL_CONTEXTS: '' }, '--config', dir, 'validate', '--output', 'json');
  t.equal(r.code, 0, 'a valid destination (its Secret is not read by validate)');
  writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: scheduling.classctl.dev/v1\nkind: NotificationDestination\nmetadata: { name: broken }\nspec: { type: webhook, url: "ftp://x", secretFrom: { env: X } }\n');
  r = await runClassctlInProcess({ CLASSCTL_CONTEXTS: '' }, '--config', dir, 'validate', '--output', 'json');
  t.equal(r.code, 2);
  t.match(r.out, /"document": "broken"/);
  t.match(r.out, /"pointer": "\/spec\/url"/);
});
