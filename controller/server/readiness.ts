// /readyz: can this process do its job now? The database answers, the
// configuration lets something be reconciled, and no run is stuck.
import type { ConfigSet } from '../core/config/config-set.js';
import type { LoopStatus } from '../runtime/controller-loop.js';
import type { Sql } from '../store/database.js';

export interface ReadinessDeps {
  db: Sql;
  loadConfig: () => Promise<ConfigSet>;
  clock: () => number;
  loopStatus?: () => LoopStatus;
  /** A run in progress for longer than this is stuck. */
  runDeadlineMs: number;
  /** Each check gives up after this long (a probe must answer before its own timeout). */
  checkTimeoutMs: number;
}

export interface ReadinessCheck {
  ok: boolean;
  message: string;
}

export interface Readiness {
  ready: boolean;
  checks: { database: ReadinessCheck; config: ReadinessCheck; run: ReadinessCheck };
}

export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const [database, config] = await Promise.all([
    withTimeout(checkDatabase(deps.db), deps.checkTimeoutMs, 'The database did not answer SELECT 1'),
    withTimeout(checkConfig(deps.loadConfig), deps.checkTimeoutMs, 'Reading the configuration did not finish'),
  ]);
  const run = checkRun(deps);
  return { ready: database.ok && config.ok && run.ok, checks: { database, config, run } };
}

async function checkDatabase(db: Sql): Promise<ReadinessCheck> {
  try {
    await db.query('SELECT 1');
    return { ok: true, message: 'The database answers.' };
  } catch (err) {
    return { ok: false, message: `The database does not answer: ${err instanceof Error ? err.message : String(err)}.` };
  }
}

async function checkConfig(loadConfig: () => Promise<ConfigSet>): Promise<ReadinessCheck> {
  try {
    const config = await loadConfig();
    const errors = config.problems.filter((p) => p.severity === 'error');
    if (config.blocksAll) {
      const first = errors[0]?.message ?? 'the base document is missing or invalid';
      return { ok: false, message: `No branch can be reconciled: ${first} (${errors.length} error(s); run \`classctl validate\`).` };
    }
    if (errors.length > 0) return { ok: true, message: `Valid base; ${errors.length} error(s) block some scopes (run \`classctl validate\`).` };
    return { ok: true, message: 'The configuration is valid.' };
  } catch (err) {
    return { ok: false, message: `The configuration cannot be read: ${err instanceof Error ? err.message : String(err)}.` };
  }
}

function checkRun(deps: ReadinessDeps): ReadinessCheck {
  const status = deps.loopStatus?.();
  if (!status) return { ok: true, message: 'No reconcile loop in this process.' };
  if (status.stopping) return { ok: false, message: 'The server is shutting down.' };
  if (status.runStartedAtMs === null) return { ok: true, message: 'No run in progress.' };
  const elapsed = deps.clock() - status.runStartedAtMs;
  if (elapsed > deps.runDeadlineMs) {
    return { ok: false, message: `The run in progress started ${Math.round(elapsed / 1000)} s ago, past its deadline of ${Math.round(deps.runDeadlineMs / 1000)} s; it may be stuck on a lock or a dead connection.` };
  }
  return { ok: true, message: `A run is in progress (${Math.round(elapsed / 1000)} s).` };
}

async function withTimeout(check: Promise<ReadinessCheck>, ms: number, what: string): Promise<ReadinessCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessCheck>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: `${what} within ${ms} ms.` }), ms);
  });
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
