// The status of each SchedulingConfig custom resource: `Valid` (is the document
// usable?) and `Applied` (did the last run reconcile with it?), in the
// metav1.Condition shape, written through the status subresource only when
// they change. desiredConditions() decides, writeConfigStatuses() writes.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { ConfigSet } from '../core/config/config-set.js';
import { canonicalJson } from '../core/config/digest.js';
import type { Problem } from '../core/errors.js';
import {
  describeApiError,
  isObject,
  kubernetesTarget,
  SCHEDULING_GROUP,
  SCHEDULING_PLURAL,
  SCHEDULING_VERSION,
  type KubernetesSourceOptions,
} from '../sources/kubernetes-api.js';
import { resourceOrigin, type ConfigResource } from '../sources/kubernetes.js';

export const VALID = 'Valid';
export const APPLIED = 'Applied';
const OURS = new Set([VALID, APPLIED]);
/** metav1.Condition.message is at most 32768 characters; the API server rejects more. */
const MAX_MESSAGE = 32_768;

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** metav1.Condition. */
export interface Condition {
  type: string;
  status: ConditionStatus;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** What a run did, as far as conditions care. */
export interface RunReport {
  /** reconcile_runs.id; null when nothing was journaled (a plan, or a refusal before the run started). */
  runId: string | null;
  /** ReconcileResult.outcome: succeeded | failed | refused | invalid-config. */
  outcome: string;
  /** The wall-clock instant of the report: lastTransitionTime of a condition that changes now. */
  nowIso: string;
  /** Every problem of the run (allProblems(plan)): adds what only a run finds, e.g. a series layer that breaks the merge. */
  problems?: Problem[];
}

/**
 * The Valid and Applied conditions of one document. `run` null means no run
 * to report (Applied is then kept as it was); `nowIso` is needed then, as the
 * time of a Valid that changes. A condition whose status did not change keeps
 * its lastTransitionTime from `previous`.
 */
export function desiredConditions(
  doc: { name: string; generation?: number; origin?: string },
  config: ConfigSet,
  run: RunReport | null,
  previous: Condition[] = [],
  nowIso: string | undefined = run?.nowIso,
): Condition[] {
  const own = documentProblems(doc, [...config.problems, ...(run?.problems ?? [])]);
  const errors = own.filter((p) => p.severity === 'error');
  const warnings = own.filter((p) => p.severity === 'warning');
  const valid: Omit<Condition, 'lastTransitionTime'> =
    errors.length > 0
      ? { type: VALID, status: 'False', reason: errors[0].code, message: describeProblems(errors, warnings) }
      : {
          type: VALID,
          status: 'True',
          reason: 'Valid',
          message: `The document is valid and the only one for its scope.${warnings.length ? ' ' + describeProblems([], warnings) : ''}`,
        };
  const applied = appliedCondition(errors.length > 0, config, run, previous);
  return [valid, applied].map((c) => {
    if ('lastTransitionTime' in c) return c as Condition; // kept as it was
    const before = previous.find((p) => p.type === c.type);
    const condition: Condition = { ...c, lastTransitionTime: '' };
    if (doc.generation !== undefined) condition.observedGeneration = doc.generation;
    if (before && before.status === c.status) condition.lastTransitionTime = before.lastTransitionTime;
    else if (nowIso !== undefined) condition.lastTransitionTime = metaTime(nowIso);
    else throw new Error(`desiredConditions: the ${c.type} condition of "${doc.name}" changes, and neither a run nor nowIso says when.`);
    return orderedCondition(condition);
  });
}

function appliedCondition(invalid: boolean, config: ConfigSet, run: RunReport | null, previous: Condition[]): Omit<Condition, 'lastTransitionTime'> | Condition {
  const base = { type: APPLIED };
  if (invalid) {
    return { ...base, status: 'False', reason: 'DocumentInvalid', message: "Not applied: the document is invalid (see the Valid condition). Its scope's sessions are left exactly as they are until it is fixed." };
  }
  const journaled = run !== null && run.runId !== null;
  if (!journaled && (run === null || run.outcome === 'succeeded')) {
    // A plan or a validation reports nothing about applying: keep what the last apply run said.
    const kept = previous.find((p) => p.type === APPLIED);
    if (kept) return kept;
    return { ...base, status: 'Unknown', reason: 'NotYetApplied', message: 'No apply run has reconciled with this document yet.' };
  }
  const r = run as RunReport;
  const which = r.runId !== null ? `run ${r.runId}` : 'the last run';
  switch (r.outcome) {
    case 'succeeded':
      return { ...base, status: 'True', reason: 'Applied', message: `applied by run ${r.runId}` };
    case 'invalid-config': {
      const blocking = [...new Set(config.problems.filter((p) => p.severity === 'error' && (p.scope === 'all' || p.scope === 'base')).map((p) => p.code))];
      return {
        ...base,
        status: 'False',
        reason: 'ConfigBlocked',
        message: `Not applied: ${which} reconciled nothing because the base configuration is missing or invalid${blocking.length ? ` (${blocking.join(', ')})` : ''}. Fix the documents classctl validate lists.`,
      };
    }
    case 'awaiting-approval':
      return { ...base, status: 'False', reason: 'AwaitingApproval', message: `Not applied yet: ${which} held its plan for approval (serve --approval) and wrote nothing; approve it in the console or with POST /api/approvals/ID/approve.` };
    case 'refused':
      return { ...base, status: 'False', reason: 'RunRefused', message: `Not applied: ${which} was refused by a guard and wrote nothing; its log says which guard and how to proceed.` };
    case 'failed':
      return { ...base, status: 'False', reason: 'RunFailed', message: `Not applied: ${which} failed for at least one branch (see classctl runs); the next run tries again.` };
    default:
      return { ...base, status: 'False', reason: 'NotApplied', message: `Not applied: ${which} ended with outcome "${r.outcome}".` };
  }
}

/** The configuration problems of this document (by name, and origin when both sides have one). */
function documentProblems(doc: { name: string; origin?: string }, problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    // Series and branch problems carry a series or branch id as `document`; only CONFIG_ ones are about documents.
    if (!p.code.startsWith('CONFIG_') || p.document !== doc.name) return false;
    if (doc.origin !== undefined && p.origin !== undefined && p.origin !== doc.origin) return false;
    const key = `${p.code}\u0000${p.pointer}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `at /spec/settings/dst/ambiguousTime: … Warning at /spec/scope/branch: …`, within the API's limit. */
function describeProblems(errors: Problem[], warnings: Problem[]): string {
  const at = (p: Problem) => `at ${p.pointer || '/'}: ${p.message}`;
  const parts = [
    ...errors.map((p, i) => (errors.length > 1 ? `(${i + 1}/${errors.length}) ${p.code} ${at(p)}` : at(p))),
    ...warnings.map((p) => `Warning ${p.code} ${at(p)}`),
  ];
  const text = parts.join(' ');
  return text.length <= MAX_MESSAGE ? text : text.slice(0, MAX_MESSAGE - 50) + ' … (truncated; classctl validate lists all)';
}

/** metav1.Time is RFC 3339 in whole seconds. */
function metaTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The field order kubectl shows, so a written condition reads as usual. */
function orderedCondition(c: Condition): Condition {
  const out: Condition = { type: c.type, status: c.status } as Condition;
  if (c.observedGeneration !== undefined) out.observedGeneration = c.observedGeneration;
  out.lastTransitionTime = c.lastTransitionTime;
  out.reason = c.reason;
  out.message = c.message;
  return out;
}

export interface WriteStatusesOptions extends KubernetesSourceOptions {
  /** Every listed resource (loadConfigDocumentsFromKubernetes().resources), valid or not. */
  resources: ConfigResource[];
  config: ConfigSet;
  run: RunReport | null;
  /** Needed when `run` is null. */
  nowIso?: string;
}

export interface WriteStatusesResult {
  patched: string[];
  unchanged: string[];
  /** Patches the API refused (e.g. 403: RBAC lacks patch on schedulingconfigs/status; 404: deleted since listed). */
  failed: Array<{ name: string; message: string }>;
}

/**
 * Patches `status` of each resource whose conditions or observedGeneration
 * differ from what it has. A JSON merge patch through the status subresource:
 * the spec is the admins' and is never written; conditions of other types
 * (another tool's) are kept. One failed patch does not stop the others.
 */
export async function writeConfigStatuses(opts: WriteStatusesOptions): Promise<WriteStatusesResult> {
  const target = kubernetesTarget(opts);
  const result: WriteStatusesResult = { patched: [], unchanged: [], failed: [] };
  for (const resource of opts.resources) {
    if (resource.name === '') continue;
    const status = isObject(resource.status) ? resource.status : {};
    const previous = readConditions(status.conditions);
    const doc = { name: resource.name, generation: resource.generation, origin: resourceOrigin(resource.namespace, resource.name) };
    const ours = desiredConditions(doc, opts.config, opts.run, previous, opts.nowIso);
    const before = previous.filter((c) => OURS.has(c.type));
    if (status.observedGeneration === resource.generation && canonicalJson(before) === canonicalJson(ours)) {
      result.unchanged.push(resource.name);
      continue;
    }
    // A merge patch replaces a list wholesale (RFC 7396), so the list sent is complete.
    const conditions = [...previous.filter((c) => !OURS.has(c.type)), ...ours].sort((a, b) => typeRank(a.type) - typeRank(b.type));
    try {
      await target.api.patchNamespacedCustomObjectStatus(
        {
          group: SCHEDULING_GROUP,
          version: SCHEDULING_VERSION,
          namespace: resource.namespace,
          plural: SCHEDULING_PLURAL,
          name: resource.name,
          body: { status: { observedGeneration: resource.generation, conditions } },
        },
        // The generated client would send a JSON Patch (its first media type); a merge patch needs no test-and-add dance.
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      result.patched.push(resource.name);
    } catch (err) {
      result.failed.push({ name: resource.name, message: describeApiError(err, `patch the status of SchedulingConfig "${resource.name}"`, { ...target, namespace: resource.namespace }) });
    }
  }
  return result;
}

/** Valid, Applied, then any other type in the order found. */
function typeRank(type: string): number {
  return type === VALID ? 0 : type === APPLIED ? 1 : 2;
}

/** The conditions a resource has, keeping only well-formed ones. */
function readConditions(raw: unknown): Condition[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (c): c is Condition => isObject(c) && typeof c.type === 'string' && typeof c.status === 'string' && typeof c.lastTransitionTime === 'string',
  );
}
