// Options accept only their listed values: a typo is a usage error (exit 2)
// naming the option and what it accepts, before anything is read or written.
import t from 'tap';
import { runClassctlInProcess } from '../helpers/cli.js';
import { parseInstantOption, positiveIntegerArg, logLevelFrom } from '../../controller/cli/option-values.js';
import { simulationTicks } from '../../controller/cli/commands/simulate.js';

// No DATABASE_URL: every row must fail (or pass) before a database is opened.
const run = (...args: string[]) => runClassctlInProcess({}, ...args);
const INSTANT = '2027-03-01T00:00:00Z';

const commandLines: Array<{ name: string; args: string[]; code: number; err?: RegExp; out?: RegExp }> = [
  { name: '--config-source k8s is refused, listing files and kubernetes', args: ['--config-source', 'k8s', '--config', 'config', 'validate'], code: 2, err: /--config-source <source>' argument 'k8s' is invalid\. Allowed choices are files, kubernetes/ },
  { name: '--config-source foo is refused too (it used to mean files)', args: ['--config-source=foo', '--config', 'config', 'validate'], code: 2, err: /'foo' is invalid\. Allowed choices are files, kubernetes/ },
  { name: '--config-source files is accepted', args: ['--config-source', 'files', '--config', 'config', 'validate'], code: 0, out: /Configuration is valid/ },
  { name: '--log-level loud is refused, listing the levels', args: ['--log-level', 'loud', '--config', 'config', 'validate'], code: 2, err: /--log-level <level>' argument 'loud' is invalid\. Allowed choices are trace, debug, info, warn, error, silent/ },
  { name: 'runs --limit abc is refused', args: ['runs', '--limit', 'abc'], code: 2, err: /--limit takes a whole number from 1 to 1000/ },
  { name: 'runs --limit 0 is refused', args: ['runs', '--limit', '0'], code: 2, err: /--limit takes a whole number from 1 to 1000/ },
  { name: 'runs --output yaml is refused', args: ['runs', '--output', 'yaml'], code: 2, err: /--output <format>' argument 'yaml' is invalid\. Allowed choices are text, json/ },
  { name: 'doctor --output yaml is refused (it used to print text)', args: ['doctor', '--output', 'yaml'], code: 2, err: /Allowed choices are text, json/ },
  { name: 'snapshot --output yaml is refused (it used to print text)', args: ['snapshot', '--output', 'yaml'], code: 2, err: /Allowed choices are text, json/ },
  { name: 'apply --output yaml is refused before the plan file is read', args: ['apply', 'no-such-plan.json', '--output', 'yaml'], code: 2, err: /Allowed choices are text, json/ },
  { name: 'get sessions -o yaml lists table, wide, json', args: ['get', 'sessions', '--branch', 'b', '-o', 'yaml'], code: 2, err: /Allowed choices are table, wide, json/ },
  { name: 'a refused --output json still prints the error as JSON on stdout', args: ['runs', '--limit', 'abc', '--output', 'json'], code: 2, out: /"code":"USAGE"/ },
  { name: 'simulate --from without a time names --from, not --now', args: ['simulate', '--from', '2027-03-12', '--to', INSTANT], code: 2, err: /classctl: --from "2027-03-12" is not an ISO instant/ },
  { name: 'simulate --to names --to', args: ['simulate', '--from', INSTANT, '--to', 'tomorrow'], code: 2, err: /classctl: --to "tomorrow" is not an ISO instant/ },
  { name: 'simulate --every takes serve\'s durations: a bad one names --every and the syntax', args: ['simulate', '--from', INSTANT, '--to', INSTANT, '--every', '1 hour'], code: 2, err: /--every "1 hour" is not a duration: use 30s, 5m, 1h, or ISO 8601/ },
  { name: 'serve --approval sometimes is refused, listing never, removals, always', args: ['serve', '--approval', 'sometimes'], code: 2, err: /--approval <policy>' argument 'sometimes' is invalid\. Allowed choices are never, removals, always/ },
  { name: 'reconcile --now still names --now', args: ['reconcile', '--now', '2027-03-12'], code: 2, err: /--now "2027-03-12" is not an ISO instant/ },
];

t.test('command lines with a value the option does not accept', async (t) => {
  for (const row of commandLines) {
    t.test(row.name, async (t) => {
      const r = await run(...row.args);
      t.equal(r.code, row.code, r.err);
      if (row.err) t.match(r.err, row.err);
      if (row.out) t.match(r.out, row.out);
    });
  }
});

t.test('positiveIntegerArg', async (t) => {
  const parse = positiveIntegerArg('--limit', 1000);
  const rows: Array<{ name: string; value: string; expected: number | null }> = [
    { name: 'a plain number', value: '20', expected: 20 },
    { name: 'the maximum', value: '1000', expected: 1000 },
    { name: 'one more than the maximum', value: '1001', expected: null },
    { name: 'zero', value: '0', expected: null },
    { name: 'negative', value: '-3', expected: null },
    { name: 'a fraction', value: '2.5', expected: null },
    { name: 'trailing letters (parseInt would take 10)', value: '10x', expected: null },
    { name: 'empty', value: '', expected: null },
  ];
  for (const row of rows) {
    if (row.expected === null) t.throws(() => parse(row.value), /--limit takes a whole number from 1 to 1000/, row.name);
    else t.equal(parse(row.value), row.expected, row.name);
  }
});

t.test('parseInstantOption names the option it parses', async (t) => {
  const rows = [
    { name: '--from with a date only', option: '--from', value: '2027-03-12', error: /^--from "2027-03-12" is not an ISO instant/ },
    { name: '--to with no zone', option: '--to', value: '2027-03-12T09:00:00', error: /^--to "2027-03-12T09:00:00" is not an ISO instant/ },
    { name: '--now far in the past', option: '--now', value: '0001-01-01T00:00:00Z', error: /^--now "0001-01-01T00:00:00Z" is outside the years 1900 to 9999/ },
  ];
  for (const row of rows) t.throws(() => parseInstantOption(row.option, row.value), { code: 'USAGE', message: row.error }, row.name);
  t.equal(parseInstantOption('--from', '2027-03-12T00:00:00+01:00'), Date.parse('2027-03-11T23:00:00Z'), 'an offset is applied');
});

t.test('logLevelFrom refuses a CLASSCTL_LOG_LEVEL pino does not know', async (t) => {
  t.equal(logLevelFrom('warn'), 'warn');
  t.throws(() => logLevelFrom('verbose'), { code: 'USAGE', message: /"verbose" is not a log level: use trace \| debug/ });
});

t.test('simulate --every takes the durations serve --interval takes', async (t) => {
  const from = Date.parse(INSTANT);
  const rows = [
    { name: 'short form hours', every: '1h', step: 3_600_000 },
    { name: 'short form minutes', every: '30m', step: 1_800_000 },
    { name: 'ISO 8601 hours', every: 'PT12H', step: 43_200_000 },
    { name: 'ISO 8601 in lower case', every: 'pt15m', step: 900_000 },
    { name: 'ISO 8601 days are 24 hours', every: 'P1D', step: 86_400_000 },
  ];
  for (const row of rows) {
    const ticks = simulationTicks(from, from + 2 * row.step, row.every);
    t.same(ticks, [from, from + row.step, from + 2 * row.step], row.name);
  }
  t.throws(() => simulationTicks(from, from, 'P1M'), { code: 'USAGE', message: /--every "P1M" is not a duration/ }, 'months have no fixed length');
  t.throws(() => simulationTicks(from, from, '0s'), { code: 'USAGE', message: /--every must be positive/ }, 'zero');
  t.throws(() => simulationTicks(from, from, '800h'), { code: 'USAGE', message: /--every "800h" is longer than 744h/ }, 'longer than a month');
});
