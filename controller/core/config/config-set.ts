// The configuration of one run: every document, every problem, and resolution
// of base ⊕ branch ⊕ series for any series, cheaply (one merge per branch, one
// more per series that has its own document).
import type { Problem } from '../errors.js';
import type { ConfigDocument, ResolvedSettings } from '../types.js';
import { configDigest } from './digest.js';
import { findConflicts, mergeAndCheck, missingBase } from './document-checks.js';
import { finalizeResolved } from './finalize-resolved.js';
import { BUILT_IN_DEFAULTS } from './built-in-defaults.js';
import type { FieldSource, MergedSettings } from './merge-layers.js';
import { describeScopeLabel, scopeLabel } from './scope.js';

/** One document that took part in a resolution, lowest layer first. */
export interface ResolvedLayer {
  document: string;
  origin: string;
  /** `base`, `branch:ID` or `series:ID`. */
  scope: string;
}

export type ResolveResult =
  | {
      ok: true;
      settings: ResolvedSettings;
      /** JSON pointer of each leaf (`/generation/horizonDays`, `/closures/2026-12-25`) → the document that set it. */
      provenance: Record<string, FieldSource>;
      layers?: ResolvedLayer[];
    }
  | { ok: false; problems: Problem[] };

export interface ConfigSet {
  documents: ConfigDocument[];
  /** Every error and warning found, load problems first. */
  problems: Problem[];
  /** The base is missing or invalid, or a document's scope cannot be read: nothing may be reconciled. */
  blocksAll: boolean;
  /** sha256 of the canonical JSON of all documents, for saved-plan staleness. */
  digest: string;
  resolve(branchId: string, seriesId?: string): ResolveResult;
  /** Warnings for documents naming a branch or series that does not exist. */
  unknownTargets(branchIds: ReadonlySet<string>, seriesIds: Pick<ReadonlySet<string>, 'has'>): Problem[];
}

interface BranchEntry {
  result: ResolveResult;
  merged?: MergedSettings;
  layers: ResolvedLayer[];
}

export function buildConfigSet(documents: ConfigDocument[], loadProblems: Problem[]): ConfigSet {
  const problems: Problem[] = [...loadProblems, ...missingBase(documents, loadProblems)];
  const conflicts = findConflicts(documents, loadProblems);
  problems.push(...conflicts);
  const conflicted = new Set(conflicts.map((p) => p.scope));

  // The documents that are used: valid, and alone in their scope.
  const usable = new Map<string, ConfigDocument>();
  for (const d of documents) {
    const label = scopeLabel(d.scope);
    if (!conflicted.has(label)) usable.set(label, d);
  }

  const baseDoc = usable.get('base');
  let baseMerged: MergedSettings | undefined;
  if (baseDoc) {
    const checked = mergeAndCheck(BUILT_IN_DEFAULTS, baseDoc, layersText(['base']));
    if (checked.ok) baseMerged = checked.merged;
    else problems.push(...checked.problems);
  }

  // Each branch over the base, each series over the base (its branch is not known
  // here; resolve() checks base ⊕ branch ⊕ series again when it is).
  const branchMerged = new Map<string, MergedSettings>();
  if (baseMerged) {
    const layered = [...usable.keys()].sort().filter((label) => label !== 'base');
    for (const label of layered) {
      const d = usable.get(label) as ConfigDocument;
      const checked = mergeAndCheck(baseMerged, d, layersText(['base', label]));
      if (!checked.ok) problems.push(...checked.problems);
      else if (d.scope.kind === 'branch') branchMerged.set(d.scope.id, checked.merged);
    }
  }

  const errorsByScope = new Map<string, Problem[]>();
  for (const p of problems) {
    if (p.severity !== 'error') continue;
    const list = errorsByScope.get(p.scope);
    if (list) list.push(p);
    else errorsByScope.set(p.scope, [p]);
  }
  const blockingAll = [...(errorsByScope.get('all') ?? []), ...(errorsByScope.get('base') ?? [])];
  const blocksAll = blockingAll.length > 0 || baseMerged === undefined;
  const blockedResult: ResolveResult = { ok: false, problems: blockingAll };
  const baseLayer: ResolvedLayer[] = baseDoc ? [layerOf(baseDoc)] : [];

  const branchCache = new Map<string, BranchEntry>();
  const seriesCache = new Map<string, ResolveResult>();
  // The series with a document or an error of their own: any other series
  // resolves to its branch's result. A run asks for every series several
  // times, so the common case is one lookup by the bare id.
  const SERIES_PREFIX = scopeLabel({ kind: 'series', id: '' });
  const seriesWithOwnScope = new Set<string>();
  for (const label of [...usable.keys(), ...errorsByScope.keys()]) {
    if (label.startsWith(SERIES_PREFIX)) seriesWithOwnScope.add(label.slice(SERIES_PREFIX.length));
  }

  function resolveBranch(branchId: string): BranchEntry {
    const cached = branchCache.get(branchId);
    if (cached) return cached;
    let entry: BranchEntry;
    const blocked = errorsByScope.get(`branch:${branchId}`);
    if (blocksAll || !baseMerged) {
      entry = { result: blockedResult, layers: baseLayer };
    } else if (blocked) {
      entry = { result: { ok: false, problems: blocked }, layers: baseLayer };
    } else {
      const doc = usable.get(`branch:${branchId}`);
      const merged = doc ? (branchMerged.get(branchId) as MergedSettings) : baseMerged;
      const layers = doc ? [...baseLayer, layerOf(doc)] : baseLayer;
      entry = { result: okResult(merged, layers), merged, layers };
    }
    branchCache.set(branchId, entry);
    return entry;
  }

  function resolve(branchId: string, seriesId?: string): ResolveResult {
    const branch = resolveBranch(branchId);
    if (seriesId === undefined || blocksAll || !seriesWithOwnScope.has(seriesId)) return branch.result;
    const label = scopeLabel({ kind: 'series', id: seriesId });
    const seriesBlocked = errorsByScope.get(label);
    const key = `${branchId}\u0000${seriesId}`;
    const cached = seriesCache.get(key);
    if (cached) return cached;
    let result: ResolveResult;
    if (!branch.result.ok || seriesBlocked) {
      result = { ok: false, problems: [...(branch.result.ok ? [] : branch.result.problems), ...(seriesBlocked ?? [])] };
    } else {
      const doc = usable.get(label) as ConfigDocument;
      const text = layersText([...branch.layers.map((l) => l.scope), label]);
      const checked = mergeAndCheck(branch.merged as MergedSettings, doc, text);
      result = checked.ok ? okResult(checked.merged, [...branch.layers, layerOf(doc)]) : { ok: false, problems: checked.problems };
    }
    seriesCache.set(key, result);
    return result;
  }

  return {
    documents: [...documents],
    problems,
    blocksAll,
    digest: configDigest(documents),
    resolve,
    unknownTargets: (branchIds, seriesIds) => unknownTargets(documents, branchIds, seriesIds),
  };
}

function okResult(merged: MergedSettings, layers: ResolvedLayer[]): ResolveResult {
  const { settings, provenance } = finalizeResolved(merged);
  return { ok: true, settings, provenance, layers };
}

/** `base ⊕ branch "downtown" ⊕ series "downtown-yoga-mon"` */
function layersText(labels: string[]): string {
  return labels.map((l) => (l === 'base' ? 'base' : describeScopeLabel(l))).join(' ⊕ ');
}

function layerOf(d: ConfigDocument): ResolvedLayer {
  return { document: d.name, origin: d.origin, scope: scopeLabel(d.scope) };
}

function unknownTargets(documents: readonly ConfigDocument[], branchIds: ReadonlySet<string>, seriesIds: Pick<ReadonlySet<string>, 'has'>): Problem[] {
  const warnings: Problem[] = [];
  for (const d of documents) {
    if (d.scope.kind === 'base') continue;
    const known = d.scope.kind === 'branch' ? branchIds : seriesIds;
    if (known.has(d.scope.id)) continue;
    const table = d.scope.kind === 'branch' ? 'branches' : 'class_series';
    warnings.push({
      code: 'CONFIG_UNKNOWN_TARGET',
      scope: scopeLabel(d.scope),
      document: d.name,
      origin: d.origin,
      pointer: `/spec/scope/${d.scope.kind}`,
      severity: 'warning',
      message: `No ${d.scope.kind} "${d.scope.id}" exists in ${table}, so this document has no effect. Correct the id, or delete the document if the ${d.scope.kind} is gone.`,
    });
  }
  return warnings;
}
