// A run's plan as the CLI prints and saves it, written branch by branch as
// the run hands them on (a branch sink): the text plan or the JSON document on
// stdout, and the JSON document in the --out file. Nothing holds the whole
// plan, so a run of millions of changes prints in bounded memory.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { changeToJson, createPlanJsonStream, planJsonTail, type PlanJsonChange } from '../core/render/plan-json.js';
import { createPlanTextRenderer, DEFAULT_LISTED_CHANGES, type AppliedCounts } from '../core/render/plan-text.js';
import type { BranchSink } from '../runtime/branch-sink.js';
import { drained } from '../runtime/drained.js';
import type { ReconcileResult } from '../runtime/reconcile.js';

/** `--detail`: list every change, or the first DEFAULT_LISTED_CHANGES and count the rest. */
export type PlanDetail = 'full' | 'limited';

export interface PlanOutputOptions {
  stdout: NodeJS.WritableStream;
  format: 'text' | 'json';
  detail: PlanDetail;
  /** The run's instant and mode, for the JSON's opening fields. */
  now: number;
  mode: 'plan' | 'apply';
  /** Save the plan JSON here (written to a temporary file beside it, renamed once complete). */
  outFile?: string;
}

export interface PlanOutput {
  sink: BranchSink;
  /**
   * Writes the closing parts: the totals (what was written, for `applied`),
   * `extra` fields of the stdout JSON, and completes the --out file. Throws
   * the stdout's OutputClosed error if its reader went away meanwhile.
   */
  finish(result: ReconcileResult, opts: { applied: boolean; extra?: Record<string, unknown> }): Promise<void>;
  /** Drops a half-written --out file (the run failed); nothing after finish(). */
  abort(): Promise<void>;
}

export function openPlanOutput(o: PlanOutputOptions): PlanOutput {
  const head = { now: new Date(o.now).toISOString(), mode: o.mode };
  const text = o.format === 'text' ? createPlanTextRenderer({ limit: o.detail === 'full' ? Infinity : DEFAULT_LISTED_CHANGES }) : null;
  const json = o.format === 'json' ? createPlanJsonStream(head) : null;
  const outJson = o.outFile ? createPlanJsonStream(head) : null;
  const outTemp = o.outFile ? `${o.outFile}.${process.pid}.partial` : null;
  let outStream: WriteStream | null = null;
  // A reader that closed stdout (`| head`) stops the printing, not the run: the --out file and the journal are still finished.
  let stdoutClosed: unknown = null;
  let begun = false;
  let finished = false;

  const toStdout = async (chunk: string): Promise<void> => {
    if (stdoutClosed !== null || chunk === '') return;
    try {
      if (!o.stdout.write(chunk)) await drained(o.stdout);
    } catch (err) {
      if ((err as Error).name !== 'OutputClosed') throw err;
      stdoutClosed = err;
    }
  };
  const toOut = async (chunk: string): Promise<void> => {
    if (!outTemp) return;
    outStream ??= createWriteStream(outTemp);
    if (!outStream.write(chunk)) await drained(outStream);
  };
  const begin = async (): Promise<void> => {
    if (begun) return;
    begun = true;
    if (json) await toStdout(json.begin());
    if (outJson) await toOut(outJson.begin());
  };

  return {
    async sink(bp) {
      await begin();
      const changes: PlanJsonChange[] = bp.changes.map(changeToJson);
      if (text) await toStdout(text.branch({ ...bp, changes }));
      if (json) await toStdout(json.changes(changes));
      if (outJson) await toOut(outJson.changes(changes));
    },
    async finish(result, f) {
      await begin();
      const tail = planJsonTail(result.plan, result.summary);
      if (outJson && outTemp && o.outFile) {
        await toOut(outJson.end(tail));
        const stream = outStream!;
        await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
        await rename(outTemp, o.outFile);
        finished = true;
      }
      if (json) await toStdout(json.end(tail, f.extra));
      if (text) {
        const written: AppliedCounts = { ...result.written, failedBranches: result.failedBranches };
        await toStdout(text.end({ summary: tail.summary, warnings: tail.warnings, errors: tail.errors, applied: f.applied, written, target: tail.target, runId: result.runId }));
      }
      if (stdoutClosed !== null) throw stdoutClosed;
    },
    async abort() {
      if (!outTemp || finished) return;
      const stream = outStream as WriteStream | null;
      if (stream) await new Promise<void>((resolve) => stream.end(() => resolve()));
      await rm(outTemp, { force: true });
    },
  };
}
