// The cleanup at the end of each applied run: recorded changes older than
// history.retainDays (per branch; the base's value for a branch the
// configuration does not resolve) are deleted, a bounded number per run so
// that a first cleanup of a long history never makes one run slow — the next
// runs delete the rest.
import type { ConfigSet } from '../core/config/config-set.js';
import type { Sql } from '../store/database.js';
import type { Logger } from './logger.js';
import { describeDbError } from './retry.js';
import { pruneSessionEvents } from '../store/history-retention.js';

/** The most events one run deletes. */
export const MAX_PRUNED_PER_RUN = 100_000;
/** history.retainDays when no document sets it (the built-in default). */
export const DEFAULT_RETAIN_DAYS = 400;

/** The base document's history.retainDays, else the built-in default. */
function baseRetainDays(config: ConfigSet): number {
  const base = config.documents.filter((d) => d.scope.kind === 'base');
  const history = base.length === 1 ? (base[0]!.settings.history as { retainDays?: unknown } | undefined) : undefined;
  return typeof history?.retainDays === 'number' ? history.retainDays : DEFAULT_RETAIN_DAYS;
}

/** Deletes expired events; returns how many. */
export async function pruneHistory(sql: Sql, config: ConfigSet, branchIds: readonly string[], maxRows = MAX_PRUNED_PER_RUN): Promise<number> {
  const days = new Map<string, number>();
  for (const id of branchIds) {
    const resolved = config.resolve(id);
    if (resolved.ok) days.set(id, resolved.settings.history.retainDays);
  }
  return pruneSessionEvents(sql, days, baseRetainDays(config), maxRows);
}

/**
 * The history cleanup of an applied run. Its failure does not fail the run
 * (the changes are written; the next run deletes what this one did not):
 * it is logged, and the run's summary has no historyPruned.
 */
export async function pruneExpiredHistory(db: Sql, config: ConfigSet, branchIds: string[], log: Logger): Promise<number | undefined> {
  try {
    const pruned = await pruneHistory(db, config, branchIds);
    if (pruned > 0) log.info({ historyPruned: pruned }, `Deleted ${pruned} recorded changes older than history.retainDays.`);
    return pruned;
  } catch (err) {
    log.warn({ code: (err as { code?: string }).code }, `Deleting recorded changes older than history.retainDays failed (${describeDbError(err)}); the next applied run tries again.`);
    return undefined;
  }
}
