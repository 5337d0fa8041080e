// Saved plans (Terraform's habit): `reconcile --plan --out plan.json`, then
// `apply plan.json` applies exactly those changes or refuses as stale.
//
// Staleness is decided by recomputing the plan at the saved plan's `now` from
// the current inputs: the saved plan is applied only if the recomputation
// yields exactly the same changes (same sessions, same before/after, same
// fields). Series versions and the config digest are compared first, for a
// message that names what changed.
import { ClassctlError } from '../core/errors.js';
import { PLAN_FORMAT_VERSION, type PlanJson, type PlanJsonChange } from '../core/render/plan-json.js';

export function parseSavedPlan(raw: unknown, file: string): PlanJson {
  const p = raw as Partial<PlanJson> | null;
  if (!p || typeof p !== 'object' || !Array.isArray(p.changes) || typeof p.now !== 'string' || typeof p.configDigest !== 'string') {
    throw new ClassctlError('USAGE', `${file} is not a saved plan: write one with \`classctl reconcile --plan --out ${file}\`.`, { key: file });
  }
  if (p.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new ClassctlError('USAGE', `${file} has plan format ${String(p.formatVersion)}, this classctl reads ${PLAN_FORMAT_VERSION}; make the plan again.`, { key: file });
  }
  return p as PlanJson;
}

/** Compares the saved plan's inputs with the current ones; throws PLAN_STALE naming the first difference. */
export function checkSavedPlanInputs(saved: PlanJson, current: { configDigest: string; seriesVersions: Record<string, string> }): void {
  if (saved.configDigest !== current.configDigest) {
    stale('the scheduling configuration documents changed since the plan was made');
  }
  const ids = new Set([...Object.keys(saved.seriesVersions), ...Object.keys(current.seriesVersions)]);
  const changed = [...ids].filter((id) => saved.seriesVersions[id] !== current.seriesVersions[id]).sort();
  if (changed.length > 0) {
    stale(`class series changed since the plan was made (${changed.slice(0, 5).join(', ')}${changed.length > 5 ? `, and ${changed.length - 5} more` : ''})`);
  }
}

/** The recomputed changes must equal the saved ones exactly. */
export function checkSameChanges(saved: PlanJsonChange[], recomputed: PlanJsonChange[]): void {
  const key = (c: PlanJsonChange) => JSON.stringify([c.action, c.branchId, c.seriesId, c.occurrenceKey, c.sessionId, c.fields ?? null, c.before, c.after, c.version ?? null]);
  const a = saved.map(key);
  const b = recomputed.map(key);
  const bSet = new Set(b);
  const aSet = new Set(a);
  const missing = saved.find((c, i) => !bSet.has(a[i]!));
  const extra = recomputed.find((c, i) => !aSet.has(b[i]!));
  if (missing) stale(`the sessions changed since the plan was made: ${missing.action} of ${missing.seriesId} ${missing.occurrenceKey ?? ''} is no longer what a plan would do now`);
  if (extra) stale(`the sessions changed since the plan was made: a plan now would also ${extra.action} ${extra.seriesId} ${extra.occurrenceKey ?? ''}`);
}

/** A plan that would touch a session which has started since is stale: started sessions are history. */
export function checkNothingStarted(saved: PlanJson, wallClockMs: number): void {
  for (const c of saved.changes) {
    for (const v of [c.before, c.after]) {
      if (v && Date.parse(v.startsAt) <= wallClockMs) {
        stale(`it touches ${c.seriesId} ${c.occurrenceKey}, which has started since the plan was made`);
      }
    }
  }
}

function stale(why: string): never {
  throw new ClassctlError('PLAN_STALE', `Refusing to apply a stale plan: ${why}. Make a new plan with \`classctl reconcile --plan --out FILE\` and review it.`);
}
