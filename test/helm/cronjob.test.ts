// mode=cronjob: what an operator relies on — runs never overlap, the command
// applies and prints JSON, a missed tick is skipped, and failures that need a
// person are not retried.
import t from 'tap';
import { DATABASE_VALUES, only, ofKind, podSpecOf, renderChart } from './chart.js';

interface CronJobSpec {
  schedule: string;
  timeZone?: string;
  concurrencyPolicy: string;
  startingDeadlineSeconds?: number;
  suspend?: boolean;
  jobTemplate: {
    spec: {
      backoffLimit: number;
      activeDeadlineSeconds?: number;
      ttlSecondsAfterFinished?: number;
      podFailurePolicy?: { rules: Array<{ action: string; onExitCodes?: { containerName?: string; operator: string; values: number[] } }> };
    };
  };
}

t.test('the default CronJob', async (t) => {
  const objects = await renderChart(DATABASE_VALUES);
  const cronJob = only(objects, 'CronJob', 'reconcile');
  const spec = cronJob.spec as CronJobSpec;

  t.equal(spec.schedule, '*/15 * * * *', 'every 15 minutes, the documented default');
  t.equal(spec.concurrencyPolicy, 'Forbid', 'a run never starts while the previous one is still going');
  t.equal(spec.startingDeadlineSeconds, 300, 'a tick missed by more than 5 minutes is skipped');
  t.equal(spec.jobTemplate.spec.backoffLimit, 2);
  t.equal(spec.jobTemplate.spec.activeDeadlineSeconds, 3600, 'a hung run cannot block later ticks forever');
  t.notOk('timeZone' in spec, 'no time zone unless one is given');

  const pod = podSpecOf(cronJob);
  t.equal(pod.restartPolicy, 'Never', 'a retry is a new pod, so the failed run keeps its logs');
  const container = pod.containers[0];
  t.equal(pod.containers.length, 1);
  t.same(container?.args?.slice(-4), ['reconcile', '--apply', '--output', 'json'], 'reconcile --apply --output json');

  const rules = spec.jobTemplate.spec.podFailurePolicy?.rules ?? [];
  const failFast = rules.find((r) => r.action === 'FailJob');
  t.same(failFast?.onExitCodes, { containerName: 'classctl', operator: 'In', values: [2, 3] }, 'exit 2 (invalid config) and 3 (guard) fail the Job without retries');
  t.equal(failFast?.onExitCodes?.containerName, container?.name, 'the rule names the container that runs classctl');
});

t.test('CronJob settings from values', async (t) => {
  const objects = await renderChart({
    ...DATABASE_VALUES,
    cronjob: {
      schedule: '5 * * * *',
      timeZone: 'Europe/London',
      startingDeadlineSeconds: 120,
      backoffLimit: 0,
      activeDeadlineSeconds: null,
      ttlSecondsAfterFinished: 86400,
      suspend: true,
      extraArgs: ['--allow-mass-removal'],
    },
  });
  const cronJob = only(objects, 'CronJob');
  const spec = cronJob.spec as CronJobSpec;
  t.equal(spec.schedule, '5 * * * *');
  t.equal(spec.timeZone, 'Europe/London');
  t.equal(spec.startingDeadlineSeconds, 120);
  t.equal(spec.jobTemplate.spec.backoffLimit, 0, 'zero retries is a valid choice, not replaced by a default');
  t.notOk('activeDeadlineSeconds' in spec.jobTemplate.spec, 'null removes the deadline');
  t.equal(spec.jobTemplate.spec.ttlSecondsAfterFinished, 86400);
  t.equal(spec.suspend, true);
  t.same(podSpecOf(cronJob).containers[0]?.args?.slice(-5), ['reconcile', '--apply', '--output', 'json', '--allow-mass-removal'], 'extra arguments come after the fixed ones');
});

t.test('a long release name still yields Job names that are DNS labels', async (t) => {
  // The CronJob controller appends an 11-character suffix to the CronJob's name.
  const objects = await renderChart({ ...DATABASE_VALUES, fullnameOverride: 'a'.repeat(63) });
  const cronJob = only(objects, 'CronJob');
  t.ok(cronJob.metadata.name.length <= 52, `CronJob name is ${cronJob.metadata.name.length} characters`);
});

t.test('cronjob mode renders no controller objects', async (t) => {
  const objects = await renderChart({ ...DATABASE_VALUES, metrics: { serviceMonitor: { enabled: true } }, podDisruptionBudget: { enabled: true } });
  for (const kind of ['Deployment', 'Service', 'ServiceMonitor', 'PodDisruptionBudget']) {
    t.same(ofKind(objects, kind), [], `no ${kind}, even when enabled: they only make sense for a long-running controller`);
  }
});
