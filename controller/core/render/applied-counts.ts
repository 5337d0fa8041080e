// The closing line of an apply, in every command that applies a plan
// (reconcile --apply, apply, demo): what the run wrote, not what it planned.

/** What an apply run wrote, by kind of change. */
export interface WrittenCounts {
  create: number;
  update: number;
  delete: number;
  cancel: number;
  seriesDeleted: number;
}

/** `Applied (run N): X created, Y updated, Z deleted, W cancelled, V series archived.`; without a run id (nothing journaled), `Applied: …`. */
export function renderAppliedCounts(runId: string | null | undefined, w: WrittenCounts): string {
  const run = runId ? ` (run ${runId})` : '';
  return `Applied${run}: ${w.create} created, ${w.update} updated, ${w.delete} deleted, ${w.cancel} cancelled, ${w.seriesDeleted} series archived.`;
}
