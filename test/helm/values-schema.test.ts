// Bad values fail `helm template` (and so `helm install`) with a message that
// names the value to fix, instead of rendering something that fails later in
// the cluster. Most come from values.schema.json; the cross-field rules from
// the templates' csc.validate.
import t from 'tap';
import { BASE_DOCUMENT, DATABASE_VALUES, helmTemplate } from './chart.js';

interface Row {
  name: string;
  values: Record<string, unknown>;
  /** What the error message must say. */
  message: RegExp;
}

const rows: Row[] = [
  { name: 'a mode that does not exist', values: { ...DATABASE_VALUES, mode: 'sometimes' }, message: /\/mode.*'cronjob', 'controller'/ },
  { name: 'zero replicas', values: { ...DATABASE_VALUES, replicaCount: 0 }, message: /\/replicaCount.*minimum/ },
  { name: 'a fractional replica count', values: { ...DATABASE_VALUES, replicaCount: 1.5 }, message: /\/replicaCount/ },
  { name: 'a schedule that is not a string', values: { ...DATABASE_VALUES, cronjob: { schedule: 15 } }, message: /\/cronjob\/schedule.*string/ },
  { name: 'a schedule that is not a cron expression', values: { ...DATABASE_VALUES, cronjob: { schedule: 'every day' } }, message: /\/cronjob\/schedule.*pattern/ },
  { name: 'a schedule with six fields', values: { ...DATABASE_VALUES, cronjob: { schedule: '0 */15 * * * *' } }, message: /\/cronjob\/schedule/ },
  { name: 'a negative backoffLimit', values: { ...DATABASE_VALUES, cronjob: { backoffLimit: -1 } }, message: /\/cronjob\/backoffLimit.*minimum/ },
  { name: 'a misspelt top-level key', values: { ...DATABASE_VALUES, replicas: 3 }, message: /replicas/ },
  { name: 'a misspelt nested key', values: { ...DATABASE_VALUES, cronjob: { scheduel: '*/5 * * * *' } }, message: /scheduel/ },
  { name: 'a config source that does not exist', values: { ...DATABASE_VALUES, config: { source: 'files' } }, message: /\/config\/source.*'kubernetes', 'configMap'/ },
  { name: 'allowApply as a string', values: { ...DATABASE_VALUES, allowApply: 'yes' }, message: /\/allowApply.*boolean/ },
  { name: 'a database URL that is not PostgreSQL', values: { database: { url: 'mysql://db/classctl' } }, message: /\/database\/url.*pattern/ },
  { name: 'an interval that is not a duration', values: { ...DATABASE_VALUES, mode: 'controller', controller: { interval: '5 minutes' } }, message: /\/controller\/interval/ },
  // classctl reads 30s, 5m, 1.5h or PT1H30M, not Go's compound 1h30m.
  { name: 'an approval policy classctl does not know', values: { ...DATABASE_VALUES, mode: 'controller', controller: { approval: 'sometimes' } }, message: /\/controller\/approval/ },
  { name: 'a resync period that is not a duration', values: { ...DATABASE_VALUES, mode: 'controller', controller: { resyncPeriod: 'weekly' } }, message: /\/controller\/resyncPeriod/ },
  { name: 'a compound interval classctl does not read', values: { ...DATABASE_VALUES, mode: 'controller', controller: { interval: '1h30m' } }, message: /\/controller\/interval/ },
  { name: 'running as root', values: { ...DATABASE_VALUES, securityContext: { runAsNonRoot: false } }, message: /\/securityContext\/runAsNonRoot/ },
  { name: 'privilege escalation', values: { ...DATABASE_VALUES, securityContext: { allowPrivilegeEscalation: true } }, message: /\/securityContext\/allowPrivilegeEscalation/ },
  { name: 'a log level pino does not know', values: { ...DATABASE_VALUES, logLevel: 'verbose' }, message: /\/logLevel/ },
  { name: 'a ConfigMap key Kubernetes rejects', values: { ...DATABASE_VALUES, config: { source: 'configMap', documents: { 'base config': BASE_DOCUMENT } } }, message: /base config/ },
  // Rules across fields, from the templates:
  { name: 'no database at all', values: {}, message: /database: set database\.existingSecret .* or database\.url/ },
  { name: 'both a URL and an existing Secret', values: { database: { url: 'postgres://db/x', existingSecret: 'db' } }, message: /not both/ },
  { name: 'a ConfigMap source with no documents', values: { ...DATABASE_VALUES, config: { source: 'configMap' } }, message: /config\.documents is empty/ },
  { name: 'extraEnv overriding DATABASE_URL', values: { ...DATABASE_VALUES, extraEnv: [{ name: 'DATABASE_URL', value: 'postgres://elsewhere' }] }, message: /extraEnv: DATABASE_URL is set by the chart/ },
  { name: 'extraEnv overriding the apply guard', values: { ...DATABASE_VALUES, extraEnv: [{ name: 'CLASSCTL_ALLOW_APPLY', value: 'true' }] }, message: /extraEnv: CLASSCTL_ALLOW_APPLY/ },
  {
    name: 'a PodDisruptionBudget with both bounds',
    values: { ...DATABASE_VALUES, mode: 'controller', podDisruptionBudget: { enabled: true, minAvailable: 1, maxUnavailable: 1 } },
    message: /minAvailable or maxUnavailable, not both/,
  },
];

for (const row of rows) {
  t.test(`rejected: ${row.name}`, async (t) => {
    const run = await helmTemplate(row.values);
    t.not(run.code, 0, 'helm template fails');
    t.match(run.stderr, row.message, 'the message names what to fix');
    t.equal(run.stdout.trim(), '', 'nothing is rendered');
  });
}

t.test('the same values with the mistake fixed render', async (t) => {
  const fixed: Array<[string, Record<string, unknown>]> = [
    ['one replica', { ...DATABASE_VALUES, mode: 'controller', replicaCount: 1 }],
    ['a macro schedule', { ...DATABASE_VALUES, cronjob: { schedule: '@hourly' } }],
    ['a decimal interval', { ...DATABASE_VALUES, mode: 'controller', controller: { interval: '1.5h' } }],
    ['an ISO 8601 interval', { ...DATABASE_VALUES, mode: 'controller', controller: { interval: 'PT1H30M' } }],
    ['an existing Secret only', { database: { existingSecret: 'db' } }],
    ['a postgresql:// URL', { database: { url: 'postgresql://db/x' } }],
    ['a PodDisruptionBudget with minAvailable only', { ...DATABASE_VALUES, mode: 'controller', podDisruptionBudget: { enabled: true, minAvailable: 1, maxUnavailable: null } }],
  ];
  for (const [name, values] of fixed) {
    const run = await helmTemplate(values);
    t.equal(run.code, 0, `${name}: ${run.stderr}`);
  }
});
