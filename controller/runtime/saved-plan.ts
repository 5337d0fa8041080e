// Saved plans (Terraform's habit): `reconcile --plan --out plan.json`, then
// `apply plan.json` applies exactly those changes or refuses as stale.
//
// Staleness is decided by recomputing the plan at the saved plan's `now` from
// the current inputs: the saved plan is applied only if the recomputation
// yields exactly the same changes (same sessions, same before/after, same
// fields). Series versions and the config digest are compared first, for a
// message that names what changed.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import planSchema from '../../schemas/plan.schema.json' with { type: 'json' };
import { describeSchemaErrors } from '../core/config/schema-errors.js';
import { ClassctlError, ErrorCodes } from '../core/errors.js';
import { readInstant } from '../core/instant-range.js';
import type { RunTarget } from '../core/run-target.js';
import { PLAN_FORMAT_VERSION, type PlanJson, type PlanJsonChange } from '../core/render/plan-json.js';

const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
addFormats.default(ajv, ['date', 'date-time']);
const validatePlanFile: ValidateFunction = ajv.compile(planSchema);
/** One change of a plan file, as the schema's `change` definition describes it. */
export const validatePlanChange = ajv.getSchema(`${planSchema.$id}#/$defs/change`)!;

/** At most this many problems are listed; the rest are counted. */
const LISTED_PROBLEMS = 10;

export function invalid(file: string, lines: string[], more = 0): never {
  const listed = lines.slice(0, LISTED_PROBLEMS).map((l) => `  ${file}#${l}`);
  const rest = lines.length - listed.length + more;
  if (rest > 0) listed.push(`  … and ${rest} more`);
  throw new ClassctlError(
    ErrorCodes.USAGE,
    `${file} is not a valid saved plan:\n${listed.join('\n')}\n` +
      `Nothing was applied. Make the plan again with \`classctl reconcile --plan --out ${file}\` and apply that file as written: a saved plan must not be edited.`,
    { key: file },
  );
}

/**
 * Checks a saved plan file before anything else reads it: the plan schema
 * (schemas/plan.schema.json), its format version, an instant `now` in range,
 * and no change listed twice. Every problem names its JSON pointer.
 */
export function parseSavedPlan(raw: unknown, file: string): PlanJson {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    invalid(file, [`/: the file holds ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : `a ${typeof raw}`}, not a plan object`]);
  }
  const p = raw as Partial<PlanJson>;
  if (typeof p.formatVersion === 'number' && p.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new ClassctlError(ErrorCodes.USAGE, `${file} has plan format ${p.formatVersion}, this classctl reads ${PLAN_FORMAT_VERSION}; make the plan again.`, { key: file });
  }
  if (!validatePlanFile(raw)) {
    invalid(file, (validatePlanFile.errors ?? []).flatMap((e) => describePlanError(e)));
  }
  const now = readInstant(p.now);
  if (!now.ok) invalid(file, [`/now: ${JSON.stringify(p.now)} ${now.why}`]);
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  (p.changes as PlanJsonChange[]).forEach((c, i) => {
    const key = changeKey(c);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else duplicates.push(`/changes/${i}: the same change as /changes/${first} (${c.action} of ${c.seriesId} ${c.occurrenceKey ?? ''}); a plan lists each change once`);
  });
  if (duplicates.length > 0) invalid(file, duplicates);
  return p as PlanJson;
}

const FORMAT_EXAMPLES: Record<string, string> = { 'date-time': 'an ISO 8601 instant such as 2026-11-25T09:00:00Z', date: 'a local date YYYY-MM-DD' };

/** One schema error as `POINTER: sentence`; format errors get the plan's own wording. */
export function describePlanError(e: ErrorObject): string[] {
  if (e.keyword === 'format') {
    const format = String((e.params as { format?: unknown }).format);
    return [`${e.instancePath || '/'}: ${JSON.stringify(e.data)} is not ${FORMAT_EXAMPLES[format] ?? format}`];
  }
  return describeSchemaErrors([e], '', ErrorCodes.USAGE).map((f) => `${f.pointer || '/'}: ${f.message}`);
}

/** Canonical JSON (keys sorted at every level) of everything a change shows. */
export function changeKey(change: PlanJsonChange): string {
  return JSON.stringify(change, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

/** Compares the saved plan's inputs with the current ones; throws PLAN_STALE naming the first difference. */
export function checkSavedPlanInputs(saved: Pick<SavedPlanSource, 'configDigest' | 'seriesVersions' | 'staleAdvice'>, current: { configDigest: string; seriesVersions: Record<string, string> }): void {
  const stale = (why: string) => stalePlan(why, saved.staleAdvice);
  if (saved.configDigest !== current.configDigest) {
    stale('the scheduling configuration documents changed since the plan was made');
  }
  const ids = new Set([...Object.keys(saved.seriesVersions), ...Object.keys(current.seriesVersions)]);
  const changed = [...ids].filter((id) => saved.seriesVersions[id] !== current.seriesVersions[id]).sort();
  if (changed.length > 0) {
    stale(`class series changed since the plan was made (${changed.slice(0, 5).join(', ')}${changed.length > 5 ? `, and ${changed.length - 5} more` : ''})`);
  }
}

/**
 * The recomputed changes must equal the saved ones exactly, as multisets over
 * every field the plan shows (before and after, bookedCount, reason, …): a
 * change listed twice, or edited in any field, does not match.
 */
export function checkSameChanges(saved: PlanJsonChange[], recomputed: PlanJsonChange[]): void {
  const unmatched = new Map<string, number>();
  for (const c of recomputed) {
    const key = changeKey(c);
    unmatched.set(key, (unmatched.get(key) ?? 0) + 1);
  }
  for (const c of saved) {
    const key = changeKey(c);
    const left = unmatched.get(key) ?? 0;
    if (left === 0) stale(`the sessions changed since the plan was made: ${c.action} of ${c.seriesId} ${c.occurrenceKey ?? ''} is no longer what a plan would do now`);
    unmatched.set(key, left - 1);
  }
  const extra = recomputed.find((c) => (unmatched.get(changeKey(c)) ?? 0) > 0);
  if (extra) stale(`the sessions changed since the plan was made: a plan now would also ${extra.action} ${extra.seriesId} ${extra.occurrenceKey ?? ''}`);
}

/**
 * A plan file applied once is not applied again: a second `apply` of it is
 * told which run applied it, not that "the sessions changed" (they changed
 * because of that run). A run that failed or was interrupted leaves the plan
 * to the staleness check, which applies it only if nothing of it was written.
 */
export function checkNotAppliedBefore(earlier: { id: string; status: string; finishedAtMs: number | null } | null): void {
  if (earlier === null) return;
  if (earlier.status === 'succeeded') {
    const when = earlier.finishedAtMs === null ? '' : ` (finished ${new Date(earlier.finishedAtMs).toISOString()})`;
    throw new ClassctlError(
      ErrorCodes.PLAN_ALREADY_APPLIED,
      `PLAN_ALREADY_APPLIED: this plan was already applied by run ${earlier.id}${when}; nothing was written now. For what is due since, make a new plan with \`classctl reconcile --plan --out FILE\`.`,
      { key: earlier.id },
    );
  }
  if (earlier.status === 'running') {
    throw new ClassctlError(
      ErrorCodes.PLAN_ALREADY_APPLIED,
      `PLAN_ALREADY_APPLIED: this plan is being applied by run ${earlier.id} right now; nothing was written by this one. \`classctl runs\` shows how it ends.`,
      { key: earlier.id },
    );
  }
}

/** A plan that would touch a session which has started since is stale: started sessions are history. */
export function checkNothingStarted(saved: Pick<SavedPlanSource, 'earliestStart' | 'staleAdvice'>, wallClockMs: number): void {
  const first = saved.earliestStart;
  if (first && first.ms <= wallClockMs) stalePlan(`it touches ${first.seriesId} ${first.occurrenceKey}, which has started since the plan was made`, saved.staleAdvice);
}

/**
 * A saved plan as a run reads it: its inputs and the earliest session it
 * touches up front, its changes branch by branch in the run's branch order —
 * so a plan of millions of changes is compared without holding it whole.
 */
export interface SavedPlanSource {
  /** sha256 of the plan file, recorded on the run that applies it; absent for a plan built in memory. */
  fingerprint?: string;
  configDigest: string;
  seriesVersions: Record<string, string>;
  /** The --branch / --series the plan was made for (null: every branch). */
  target: RunTarget | null;
  /** What a PLAN_STALE refusal tells the reader to do (default: make a new plan file). */
  staleAdvice?: string;
  /** The earliest start of a session the plan touches (before or after). */
  earliestStart: { ms: number; seriesId: string; occurrenceKey: string | null } | null;
  /** The saved changes of one branch; asked once per branch, in branch order. */
  changesOf(branchId: string): Promise<PlanJsonChange[]>;
  /**
   * Instead of changesOf: checks a branch's recomputed changes against what
   * was saved (a plan held for approval keeps a digest, not the changes);
   * throws PLAN_STALE when they differ.
   */
  checkBranch?(branchId: string, changes: PlanJsonChange[]): void;
  /** After the last branch: a saved change of a branch the run did not ask for, or null. */
  leftover(): Promise<PlanJsonChange | null>;
}

/** The earliest session start a change touches, folded into `earliest`. */
export function earlierStart(earliest: SavedPlanSource['earliestStart'], c: PlanJsonChange): SavedPlanSource['earliestStart'] {
  let e = earliest;
  for (const v of [c.before, c.after]) {
    if (!v) continue;
    const ms = Date.parse(v.startsAt);
    if (e === null || ms < e.ms) e = { ms, seriesId: c.seriesId, occurrenceKey: c.occurrenceKey };
  }
  return e;
}

/** A saved plan read whole (a file in the whole-document layout, or a plan built in memory by a test). */
export function savedPlanInMemory(plan: PlanJson): SavedPlanSource {
  const byBranch = new Map<string, PlanJsonChange[]>();
  let earliestStart: SavedPlanSource['earliestStart'] = null;
  for (const c of plan.changes) {
    earliestStart = earlierStart(earliestStart, c);
    const list = byBranch.get(c.branchId);
    if (list) list.push(c);
    else byBranch.set(c.branchId, [c]);
  }
  return {
    configDigest: plan.configDigest,
    seriesVersions: plan.seriesVersions,
    target: plan.target ?? null,
    earliestStart,
    async changesOf(branchId) {
      const list = byBranch.get(branchId) ?? [];
      byBranch.delete(branchId);
      return list;
    },
    async leftover() {
      for (const list of byBranch.values()) if (list.length > 0) return list[0]!;
      return null;
    },
  };
}

/** A saved change of a branch the recomputed plan does not touch at all. */
export function staleLeftover(c: PlanJsonChange): never {
  stale(`the sessions changed since the plan was made: ${c.action} of ${c.seriesId} ${c.occurrenceKey ?? ''} is no longer what a plan would do now`);
}

const FILE_ADVICE = 'Make a new plan with `classctl reconcile --plan --out FILE` and review it.';

/** PLAN_STALE: why, and what to do (`advice`: the saved plan's staleAdvice; by default, make a new plan file). */
export function stalePlan(why: string, advice: string = FILE_ADVICE): never {
  throw new ClassctlError('PLAN_STALE', `Refusing to apply a stale plan: ${why}. ${advice}`);
}

function stale(why: string): never {
  stalePlan(why);
}
