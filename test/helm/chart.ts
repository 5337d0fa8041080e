// Renders charts/class-series-controller with the real helm binary and checks
// each rendered object against the Kubernetes OpenAPI schemas (offline, with
// kubernetes-models: types and required fields, not unknown fields).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { k8sBinaries } from './k8s-bin.js';

export const CHART_DIR = fileURLToPath(new URL('../../charts/class-series-controller/', import.meta.url));
export const RELEASE = 'sched';
export const NAMESPACE = 'gyms';

/** The least a render needs: a database. */
export const DATABASE_VALUES = { database: { url: 'postgres://classctl@db.example:5432/classctl' } };

/** A base document, enough for config.source=configMap. */
export const BASE_DOCUMENT = {
  apiVersion: 'scheduling.classctl.dev/v1',
  kind: 'SchedulingConfig',
  metadata: { name: 'base' },
  spec: { scope: {}, settings: { generation: { enabled: true, horizonDays: 56 } } },
};

/** A rendered Kubernetes object, as parsed from helm's output. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface HelmRun {
  code: number;
  stdout: string;
  stderr: string;
}

// Helm's own state (plugins, repositories, caches) stays out of $HOME.
const helmHome = mkdtempSync(join(tmpdir(), 'classctl-helm-'));
process.once('exit', () => rmSync(helmHome, { recursive: true, force: true }));
const helmEnv = {
  ...process.env,
  HELM_CACHE_HOME: join(helmHome, 'cache'),
  HELM_CONFIG_HOME: join(helmHome, 'config'),
  HELM_DATA_HOME: join(helmHome, 'data'),
};

/** Runs helm with `args`; `values`, when given, is passed on stdin as `-f -`. */
export async function runHelm(args: string[], values?: unknown): Promise<HelmRun> {
  const { helm } = await k8sBinaries();
  const fullArgs = values === undefined ? args : [...args, '-f', '-'];
  return new Promise((resolve, reject) => {
    const child = spawn(helm, fullArgs, { env: helmEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    // JSON is YAML: helm reads it as a values file.
    child.stdin.end(values === undefined ? '' : JSON.stringify(values));
  });
}

/** `helm template` of the chart with `values`; the raw result, for tests of failures. */
export function helmTemplate(values: unknown, options: { includeCrds?: boolean } = {}): Promise<HelmRun> {
  const args = ['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE];
  if (options.includeCrds) args.push('--include-crds');
  return runHelm(args, values);
}

/** Renders the chart and parses every object; throws with helm's message when it fails. */
export async function renderChart(values: unknown, options: { includeCrds?: boolean } = {}): Promise<K8sObject[]> {
  const run = await helmTemplate(values, options);
  if (run.code !== 0) throw new Error(`helm template exited ${run.code}: ${run.stderr}`);
  return parseAllDocuments(run.stdout)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`helm rendered invalid YAML: ${d.errors[0]?.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

type Validator = (object: K8sObject) => void;

// One entry per kind the chart renders; a new kind fails validation until it is added here.
const VALIDATORS: Record<string, Validator> = {
  'apiextensions.k8s.io/v1 CustomResourceDefinition': (o) => new CustomResourceDefinition(o as never).validate(),
  'apps/v1 Deployment': (o) => new Deployment(o as never).validate(),
  'batch/v1 CronJob': (o) => new CronJob(o as never).validate(),
  'batch/v1 Job': (o) => new Job(o as never).validate(),
  'policy/v1 PodDisruptionBudget': (o) => new PodDisruptionBudget(o as never).validate(),
  'rbac.authorization.k8s.io/v1 Role': (o) => new Role(o as never).validate(),
  'rbac.authorization.k8s.io/v1 RoleBinding': (o) => new RoleBinding(o as never).validate(),
  'v1 ConfigMap': (o) => new ConfigMap(o as never).validate(),
  'v1 Secret': (o) => new Secret(o as never).validate(),
  'v1 Service': (o) => new Service(o as never).validate(),
  'v1 ServiceAccount': (o) => new ServiceAccount(o as never).validate(),
  // The Prometheus Operator's CRD is not in kubernetes-models: check what the operator needs.
  'monitoring.coreos.com/v1 ServiceMonitor': validateServiceMonitor,
};

/** Throws when `object` does not match its Kubernetes schema (or its kind is unknown here). */
export function validateObject(object: K8sObject): void {
  const validator = VALIDATORS[`${object.apiVersion} ${object.kind}`];
  if (validator === undefined) throw new Error(`no validator for ${object.apiVersion} ${object.kind} (${object.metadata?.name})`);
  validator(object);
}

function validateServiceMonitor(o: K8sObject): void {
  const spec = o.spec as { selector?: { matchLabels?: Record<string, string> }; endpoints?: Array<{ port?: string }> } | undefined;
  if (!spec?.selector?.matchLabels || Object.keys(spec.selector.matchLabels).length === 0) {
    throw new Error('ServiceMonitor spec.selector.matchLabels is empty');
  }
  if (!spec.endpoints?.length || spec.endpoints.some((e) => typeof e.port !== 'string')) {
    throw new Error('ServiceMonitor spec.endpoints must name a port');
  }
}

/** The one object of `kind` (and component label, when given); throws unless exactly one exists. */
export function only(objects: K8sObject[], kind: string, component?: string): K8sObject {
  const found = ofKind(objects, kind, component);
  if (found.length !== 1) throw new Error(`expected one ${kind}${component ? ` (${component})` : ''}, found ${found.length}`);
  return found[0] as K8sObject;
}

export function ofKind(objects: K8sObject[], kind: string, component?: string): K8sObject[] {
  return objects.filter(
    (o) => o.kind === kind && (component === undefined || o.metadata.labels?.['app.kubernetes.io/component'] === component),
  );
}

/** Minimal typing of the pod spec fields the tests read. */
export interface Container {
  name: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  livenessProbe?: { httpGet?: { path?: string; port?: string | number } };
  readinessProbe?: { httpGet?: { path?: string; port?: string | number } };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  restartPolicy?: string;
  volumes?: Array<{ name: string; emptyDir?: unknown; configMap?: { name: string }; secret?: unknown }>;
}

/** The pod spec of a Deployment, Job or CronJob. */
export function podSpecOf(workload: K8sObject): PodSpec {
  type Template = { spec: PodSpec };
  const spec = workload.spec as { template?: Template; jobTemplate?: { spec: { template: Template } } };
  const template = workload.kind === 'CronJob' ? spec.jobTemplate?.spec.template : spec.template;
  if (template === undefined) throw new Error(`${workload.kind} ${workload.metadata.name} has no pod template`);
  return template.spec;
}

/** The environment variable `name` of a container, or undefined. */
export function envVar(container: Container, name: string) {
  return container.env?.find((e) => e.name === name);
}
