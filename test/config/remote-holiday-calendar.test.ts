// A holiday calendar named by an https URL, fetched from a real HTTPS server
// on 127.0.0.1 (a certificate made for the test with openssl, trusted by the
// classctl process through NODE_EXTRA_CA_CERTS), through the compiled CLI:
// its all-day events become closures, explain shows where the copy came from
// and how old it is, a server that is down leaves the cached copy in use with
// a warning, and without any copy the document's scope is in error.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runClassctlProcess } from '../helpers/cli-process.js';
import { toolMissing } from '../helpers/tools.js';

const ICS = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//holidays//EN',
  'BEGIN:VEVENT', 'UID:h1', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20261225', 'DTEND;VALUE=DATE:20261226', 'SUMMARY:Christmas Day', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:h2', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20261226', 'SUMMARY:St Stephen\'s Day', 'END:VEVENT',
  'END:VCALENDAR', ''].join('\r\n');

const base = (calendarUrl: string) => `apiVersion: scheduling.classctl.dev/v1
kind: SchedulingConfig
metadata: { name: base }
spec:
  scope: {}
  settings:
    generation: { enabled: true, horizonDays: 60 }
    dst: { nonexistentTime: shiftForward, ambiguousTime: earlier }
    closures: {}
    sessionDefaults: { durationMinutes: 60, capacity: 20 }
    removal: { unbooked: delete, booked: cancel }
    cleanup: { deleteSeriesAfterDays: 0 }
    safety: { maxRemovalsPerRun: 500 }
---
apiVersion: scheduling.classctl.dev/v1
kind: SchedulingConfig
metadata: { name: branch-dublin }
spec:
  scope: { branch: dublin }
  holidayCalendars: { ie: "${calendarUrl}" }
  settings: {}
`;

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

t.test('a holiday calendar at an https URL: fetched, cached, shown by explain, and used while its server is down', async (t) => {
  if (!hasOpenssl()) return toolMissing(t, 'openssl', 'an HTTPS server for the test', 'apt-get install openssl');
  const dir = t.testdir({ config: {}, cache: {}, tls: {} });
  const tls = join(dir, 'tls');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(tls, 'key.pem'), '-out', join(tls, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  let requests = 0;
  const server = createServer({ key: readFileSync(join(tls, 'key.pem')), cert: readFileSync(join(tls, 'cert.pem')) }, (_req, res) => {
    requests++;
    res.setHeader('content-type', 'text/calendar');
    res.end(ICS);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let serverUp = true;
  const stop = () => (serverUp ? new Promise<void>((r) => server.close(() => r())).then(() => void (serverUp = false)) : Promise.resolve());
  t.teardown(stop);
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/ie.ics`;
  const config = join(dir, 'config');
  writeFileSync(join(config, 'config.yaml'), base(url));
  const env = { NODE_EXTRA_CA_CERTS: join(tls, 'cert.pem'), CLASSCTL_CACHE_DIR: join(dir, 'cache') };
  const classctl = (...args: string[]) => runClassctlProcess(env, '--config', config, ...args);

  const first = await classctl('explain', '--branch', 'dublin');
  t.equal(first.code, 0, first.err);
  t.match(first.out, /\/closures\/2026-12-25\s+"Christmas Day"\s+branch-dublin/, "the calendar's all-day events are the branch's closures");
  t.match(first.out, /\/closures\/2026-12-26\s+"St Stephen's Day"/);
  t.match(first.out, new RegExp(`ie \\(document branch-dublin\\): ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, fetched \\S+ \\(cached copy, 0 min old`), 'explain names the URL and the age of the copy');
  t.equal(requests, 1, 'fetched once');

  const again = await classctl('explain', '--branch', 'dublin', '--output', 'json');
  t.equal(again.code, 0, again.err);
  t.match(JSON.parse(again.out), { holidayCalendars: [{ document: 'branch-dublin', name: 'ie', source: url, fetchedAt: String }] });
  t.equal(requests, 1, 'a copy younger than a day is used without asking the server');

  // A day and a half later the server is down: the old copy is used, with a warning that says so.
  await stop();
  const cacheDir = join(dir, 'cache', 'holiday-calendars');
  const [copy] = readdirSync(cacheDir);
  const dayAndAHalfAgo = (Date.now() - 36 * 3600_000) / 1000;
  utimesSync(join(cacheDir, copy!), dayAndAHalfAgo, dayAndAHalfAgo);
  const stale = await classctl('validate');
  t.equal(stale.code, 0, 'a warning does not make the configuration invalid');
  t.match(stale.out, /CONFIG_HOLIDAY_CALENDAR/);
  t.match(stale.out, /could not be refreshed: fetching it failed .*The copy fetched \S+ is used until it can be/);
  t.match((await classctl('explain', '--branch', 'dublin')).out, /\(cached copy, 36 h old/, 'explain shows the old copy in use');

  // No copy and no server: the branch's calendar is an error, naming the document and pointer.
  mkdirSync(join(dir, 'empty-cache'));
  const none = await runClassctlProcess({ ...env, CLASSCTL_CACHE_DIR: join(dir, 'empty-cache') }, '--config', config, 'validate');
  t.equal(none.code, 2);
  t.match(none.out, /branch-dublin.*\/spec\/holidayCalendars\/ie/);
  t.match(none.out, /no earlier copy in the cache/);
});

t.test('only https URLs are fetched', async (t) => {
  const dir = t.testdir({ config: { 'config.yaml': base('http://127.0.0.1:9/ie.ics') } });
  const r = await runClassctlProcess({ CLASSCTL_CACHE_DIR: join(dir, 'cache') }, '--config', join(dir, 'config'), 'validate');
  t.equal(r.code, 2);
  t.match(r.out, /only https URLs are fetched \(this one is http\)/);
});
