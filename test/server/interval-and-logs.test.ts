// `serve --interval` / `--shutdown-timeout` / `--resync-period` parsing, and the log format choice.
import { PassThrough } from 'node:stream';
import t from 'tap';
import { main } from '../../controller/cli/main.js';
import { parseDurationOption } from '../../controller/cli/interval.js';
import { chooseLogFormat, createLogger } from '../../controller/runtime/logger.js';

t.test('parseDurationOption', async (t) => {
  const ok = [
    { name: 'seconds', text: '30s', ms: 30_000 },
    { name: 'minutes', text: '5m', ms: 300_000 },
    { name: 'hours', text: '1h', ms: 3_600_000 },
    { name: 'milliseconds', text: '1500ms', ms: 1_500 },
    { name: 'a fraction', text: '1.5m', ms: 90_000 },
    { name: 'ISO 8601 minutes', text: 'PT5M', ms: 300_000 },
    { name: 'ISO 8601 compound', text: 'PT1H30M', ms: 5_400_000 },
    { name: 'ISO 8601 in lower case', text: 'pt10s', ms: 10_000 },
    { name: 'exactly the 24h maximum', text: '24h', ms: 86_400_000 },
  ];
  for (const row of ok) t.test(`${row.name}: ${row.text}`, async (t) => t.equal(parseDurationOption('--interval', row.text), row.ms));
  const bad = [
    { name: 'a bare number has no unit', text: '300' },
    { name: 'an unknown unit', text: '5d' },
    { name: 'zero', text: '0s' },
    { name: 'negative', text: '-5m' },
    { name: 'calendar months have no fixed length', text: 'P1M' },
    { name: 'longer than a day', text: '25h' },
    { name: 'a word', text: 'often' },
  ];
  for (const row of bad) {
    t.test(`${row.name}: ${row.text} is a usage error`, async (t) => {
      t.throws(() => parseDurationOption('--interval', row.text), { code: 'USAGE', message: /--interval/ });
    });
  }
});

t.test('chooseLogFormat', async (t) => {
  const tty = { isTTY: true } as unknown as NodeJS.WritableStream;
  const pipe = {} as NodeJS.WritableStream;
  const rows = [
    { name: 'a terminal gets human-readable lines', stream: tty, env: {}, expect: 'pretty' },
    { name: 'a pipe or file gets JSON', stream: pipe, env: {}, expect: 'json' },
    { name: 'CLASSCTL_LOG_FORMAT=json wins over a terminal', stream: tty, env: { CLASSCTL_LOG_FORMAT: 'json' }, expect: 'json' },
    { name: 'CLASSCTL_LOG_FORMAT=pretty wins over a pipe', stream: pipe, env: { CLASSCTL_LOG_FORMAT: 'pretty' }, expect: 'pretty' },
    { name: 'an unknown CLASSCTL_LOG_FORMAT is ignored', stream: pipe, env: { CLASSCTL_LOG_FORMAT: 'xml' }, expect: 'json' },
  ];
  for (const row of rows) t.test(row.name, async (t) => t.equal(chooseLogFormat(row.stream, row.env), row.expect));
});

t.test('createLogger writes JSON lines to a pipe and readable lines when pretty', async (t) => {
  const capture = () => {
    let text = '';
    return { stream: { write: (s: string) => ((text += s), true), on: () => {}, once: () => {}, emit: () => {} } as unknown as NodeJS.WritableStream, text: () => text };
  };
  const json = capture();
  createLogger({ destination: json.stream, env: {} }).info({ runId: '7' }, 'Reconcile run started.');
  t.match(JSON.parse(json.text()), { level: 30, runId: '7', msg: 'Reconcile run started.', app: 'classctl' });

  const pretty = capture();
  const logger = createLogger({ destination: pretty.stream, env: { CLASSCTL_LOG_FORMAT: 'pretty' } });
  logger.info({ runId: '7' }, 'Reconcile run started.');
  await new Promise((r) => setImmediate(r));
  t.match(pretty.text(), /INFO.*Reconcile run started\./);
  t.match(pretty.text(), /"runId":"7"/);
  t.throws(() => JSON.parse(pretty.text()), 'not JSON');
});

t.test('classctl serve rejects bad flags with exit 2 before opening anything', async (t) => {
  const rows = [
    { name: 'an interval without a unit', args: ['--interval', '300'], message: /--interval "300" is not a duration/ },
    { name: 'a shutdown timeout of zero', args: ['--shutdown-timeout', '0s'], message: /--shutdown-timeout must be positive/ },
    { name: 'a resync period longer than a month', args: ['--resync-period', '800h'], message: /--resync-period "800h" is longer than 720h/ },
    { name: 'a resync period without a unit', args: ['--resync-period', '24'], message: /--resync-period "24" is not a duration/ },
    { name: 'a port out of range', args: ['--port', '70000'], message: /--port "70000" is not a port number/ },
    { name: 'a port that is not a number', args: ['--port', 'http'], message: /--port "http" is not a port number/ },
  ];
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (d) => (err += d));
      // A database URL nobody listens on: had the command got as far as opening it, the error would say so.
      const code = await main(['node', 'classctl', '--database', 'postgres://nobody@127.0.0.1:1/none', 'serve', ...row.args], { stdout: new PassThrough(), stderr, env: {} });
      t.equal(code, 2);
      t.match(err, row.message);
    });
  }
});
