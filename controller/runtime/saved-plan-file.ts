// Reading a saved plan file in bounded memory. A plan written by this
// classctl has one change per line between `"changes": [` and `],` (see
// createPlanJsonStream): it is checked in one pass over its lines, and its
// changes are read again, branch by branch, while the run compares them with
// the plan it recomputes. A file in another layout (a plan written by an
// earlier classctl, pretty-printed whole) is read as one JSON document.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { PlanJsonChange } from '../core/render/plan-json.js';
import { ClassctlError } from '../core/errors.js';
import { describePlanError, earlierStart, invalid, parseSavedPlan, savedPlanInMemory, staleLeftover, validatePlanChange, type SavedPlanSource } from './saved-plan.js';

const CHANGES_OPEN = '  "changes": [';
const CHANGES_CLOSE = /^  \],?$/;
const CHANGES_EMPTY = /^  "changes": \[\],?$/;
/** Problems collected before the rest are only counted. */
const COLLECTED_PROBLEMS = 100;

/** A saved plan file, checked: its instant and the source of its changes. */
export type SavedPlanFile = SavedPlanSource & { now: string };

export async function readSavedPlanFile(file: string): Promise<SavedPlanFile> {
  try {
    const scanned = await scanLineLayout(file);
    if (scanned) return { ...scanned, fingerprint: await fileSha256(file) };
    const text = await readFile(file, 'utf8');
    const plan = parseSavedPlan(JSON.parse(text), file);
    return { ...savedPlanInMemory(plan), now: plan.now, fingerprint: createHash('sha256').update(text).digest('hex') };
  } catch (err) {
    if (err instanceof ClassctlError) throw err;
    throw new ClassctlError('USAGE', `Cannot read the plan ${file}: ${(err as Error).message}`, { key: file });
  }
}

/**
 * One pass over a plan in the line layout: every change checked against the
 * schema, listed once, grouped by branch in branch order; the other fields
 * checked as a document. Null when the file is not in that layout.
 */
async function scanLineLayout(file: string): Promise<SavedPlanFile | null> {
  const skeleton: string[] = [];
  const problems: string[] = [];
  let moreProblems = 0;
  const problem = (text: string) => {
    if (problems.length < COLLECTED_PROBLEMS) problems.push(text);
    else moreProblems++;
  };
  let phase: 'head' | 'changes' | 'tail' = 'head';
  let index = 0;
  let branch: string | null = null;
  const finishedBranches = new Set<string>();
  let seen = new Map<string, number>();
  let earliestStart: SavedPlanSource['earliestStart'] = null;
  for await (const line of readLines(file)) {
    if (phase === 'head') {
      if (skeleton.length === 0 && line !== '{') return null;
      if (line === CHANGES_OPEN) {
        phase = 'changes';
        continue;
      }
      if (CHANGES_EMPTY.test(line)) phase = 'tail';
      skeleton.push(line);
      continue;
    }
    if (phase === 'tail') {
      skeleton.push(line);
      continue;
    }
    if (CHANGES_CLOSE.test(line)) {
      skeleton.push(line.endsWith(',') ? '  "changes": [],' : '  "changes": []');
      phase = 'tail';
      continue;
    }
    const c = parseChangeLine(line);
    if (c === null) return null;
    const i = index++;
    if (!validatePlanChange(c)) {
      for (const e of validatePlanChange.errors ?? []) for (const text of describePlanError({ ...e, instancePath: `/changes/${i}${e.instancePath}` })) problem(text);
      continue;
    }
    const change = c as PlanJsonChange;
    if (change.branchId !== branch) {
      if (branch !== null) finishedBranches.add(branch);
      if (finishedBranches.has(change.branchId) || (branch !== null && change.branchId < branch)) {
        problem(`/changes/${i}: a change of branch ${change.branchId} after those of branch ${branch}; a plan lists the changes branch by branch, in branch order`);
      }
      branch = change.branchId;
      seen = new Map();
    }
    // The line as written: the same change written twice is the same line.
    const first = seen.get(line.replace(/,$/, ''));
    if (first !== undefined) problem(`/changes/${i}: the same change as /changes/${first} (${change.action} of ${change.seriesId} ${change.occurrenceKey ?? ''}); a plan lists each change once`);
    else seen.set(line.replace(/,$/, ''), i);
    earliestStart = earlierStart(earliestStart, change);
  }
  if (phase !== 'tail') return null;
  let rest: unknown;
  try {
    rest = JSON.parse(skeleton.join('\n'));
  } catch {
    return null;
  }
  if (problems.length > 0) invalid(file, problems, moreProblems);
  const plan = parseSavedPlan(rest, file);
  return {
    now: plan.now,
    configDigest: plan.configDigest,
    seriesVersions: plan.seriesVersions,
    target: plan.target ?? null,
    earliestStart,
    ...changesByBranch(file),
  };
}

/** The changes of a line-layout file, read again branch by branch, in the order the run asks for them. */
function changesByBranch(file: string): Pick<SavedPlanSource, 'changesOf' | 'leftover'> {
  let lines: AsyncGenerator<string> | null = null;
  let ahead: PlanJsonChange | null | undefined;
  const next = async (): Promise<PlanJsonChange | null> => {
    if (lines === null) {
      lines = readLines(file);
      for (let r = await lines.next(); !r.done; r = await lines.next()) if (r.value === CHANGES_OPEN) break;
    }
    const r = await lines.next();
    if (r.done || CHANGES_CLOSE.test(r.value)) {
      await lines.return(undefined);
      return null;
    }
    return parseChangeLine(r.value) as PlanJsonChange;
  };
  const peek = async () => (ahead === undefined ? (ahead = await next()) : ahead);
  return {
    async changesOf(branchId) {
      const list: PlanJsonChange[] = [];
      for (let c = await peek(); c !== null; c = await peek()) {
        // Changes of a branch that comes earlier, which the run did not ask for: not what a plan now does.
        if (c.branchId < branchId) staleLeftover(c);
        if (c.branchId !== branchId) break;
        list.push(c);
        ahead = undefined;
      }
      return list;
    },
    async leftover() {
      const c = await peek();
      await (lines as AsyncGenerator<string> | null)?.return(undefined);
      return c;
    },
  };
}

/** A change on its line (with or without the comma after it), or null if the line is not one. */
function parseChangeLine(line: string): unknown {
  if (!line.startsWith('    {')) return null;
  try {
    const value: unknown = JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** sha256 of the file's bytes, read in chunks: the fingerprint a run records for the plan it applies. */
async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The file's lines, read as they are asked for. */
async function* readLines(file: string): AsyncGenerator<string> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let carry = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const parts = (carry + chunk).split('\n');
      carry = parts.pop()!;
      for (const p of parts) yield p.endsWith('\r') ? p.slice(0, -1) : p;
    }
    if (carry !== '') yield carry;
  } finally {
    stream.destroy();
  }
}
