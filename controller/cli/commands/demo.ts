// `npm start`: load the demo data, plan and apply — only where that cannot
// overwrite anything real: the embedded database, or a PostgreSQL database
// named explicitly with --database that holds no branch or series but the
// demo's. DATABASE_URL is deliberately not used: an exported variable must not
// turn a demo into a write to a real database.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ClassctlError } from '../../core/errors.js';
import { planToJson } from '../../core/render/plan-json.js';
import { renderPlanText } from '../../core/render/plan-text.js';
import { renderAppliedCounts } from '../../core/render/applied-counts.js';
import { checkApplyGuards } from '../../runtime/guards.js';
import { reconcile } from '../../runtime/reconcile.js';
import type { Database } from '../../store/database.js';
import { openCommandDatabase } from '../../store/with-database.js';
import { prepareLoad, writeLoad } from '../../store/load.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { EMBEDDED } from '../contexts/contexts-file.js';
import { writeRunHeader } from '../run-header.js';
import { EMBEDDED_DATA_DIR, loadConfigSet, parseNow } from '../resources.js';

export const DEMO_FILE = 'examples/demo.yaml';

/** Ids of the database's branches and series that the demo file does not hold: what the demo could overwrite or disturb. */
async function foreignRows(db: Database, ids: { branches: string[]; series: string[] }): Promise<{ branches: string[]; series: string[] }> {
  const branches = await db.query<{ id: string }>(`SELECT id FROM branches WHERE NOT (id = ANY($1::text[])) ORDER BY id COLLATE "C" LIMIT 6`, [ids.branches]);
  const series = await db.query<{ id: string }>(`SELECT id FROM class_series WHERE NOT (id = ANY($1::text[])) ORDER BY id COLLATE "C" LIMIT 6`, [ids.series]);
  return { branches: branches.map((r) => r.id), series: series.map((r) => r.id) };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description(
      `Load ${DEMO_FILE}, show the plan and apply it, on the embedded database — or on --database URL only when it holds no branch or series but the demo's (DATABASE_URL is ignored). A second run prints "No changes."`,
    )
    .option('--file <file>', 'the branches and series to load', DEMO_FILE)
    .option('--now <iso>', 'the instant of the run (default: now)')
    .action(
      ctx.action(async (opts: { file: string; now?: string }, cmd: Command) => {
        // A current-context is ambient, like DATABASE_URL: it does not apply. A context named with --context does.
        const g = ctx.globals(cmd, { ignoreCurrentContext: true });
        // Only an explicit choice counts: g.database falls back to DATABASE_URL.
        const contextUrl = g.context?.database === EMBEDDED ? undefined : g.context?.database;
        const explicitUrl = (cmd.optsWithGlobals() as { database?: string }).database ?? contextUrl;
        const logger = ctx.logger(cmd);
        const now = parseNow(opts.now);
        const config = await loadConfigSet(g);
        // The embedded database migrates itself on open; a named PostgreSQL database must already be migrated.
        const db = await openCommandDatabase(explicitUrl ? { url: explicitUrl } : { dataDir: EMBEDDED_DATA_DIR });
        try {
          await writeRunHeader(ctx.io.stderr, { ...g, database: explicitUrl }, db);
          ctx.write(`Database: ${db.describe()}${!explicitUrl ? ' (embedded)' : contextUrl === explicitUrl ? ` (context ${g.context?.name})` : ' (--database)'}\n`);
          if (!explicitUrl && ctx.io.env.DATABASE_URL) {
            ctx.write('DATABASE_URL is ignored by the demo; pass --database URL to run it on an empty PostgreSQL database.\n');
          }
          await checkApplyGuards(db, { expectedEnv: g.env, allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY, action: 'run the demo' });
          const prepared = await prepareLoad(db, parseYaml(await readFile(opts.file, 'utf8')));
          if (prepared.problems.some((p) => p.severity === 'error')) {
            for (const p of prepared.problems) ctx.io.stderr.write(`${opts.file} ${p.pointer}: ${p.message}\n`);
            return ExitCode.USAGE_OR_INVALID_CONFIG;
          }
          const foreign = await foreignRows(db, { branches: prepared.rows.branches.map((b) => b.id), series: prepared.rows.series.map((s) => s.id) });
          if (foreign.branches.length + foreign.series.length > 0) {
            const list = [...foreign.series.map((id) => `series ${id}`), ...foreign.branches.map((id) => `branch ${id}`)].slice(0, 6).join(', ');
            throw new ClassctlError(
              'GUARD_DEMO_DATABASE',
              `Refusing to run the demo on ${db.describe()}: it holds branches or series that are not in ${opts.file} (${list}…). ` +
                'The demo loads its data over the database and applies without --apply, so it runs only on the embedded database (leave --database out) or on an empty PostgreSQL database made for it (createdb, classctl migrate, then --database URL).',
              { key: db.describe() },
            );
          }
          const written = await writeLoad(db, prepared.rows);
          ctx.write(`Loaded ${prepared.rows.branches.length} branches and ${prepared.rows.series.length} series from ${opts.file} (${written.branches + written.series} rows written).\n\n`);
          const planned = await reconcile({ db, config, logger, now, mode: 'plan' });
          const planJson = planToJson(planned.plan);
          ctx.write(renderPlanText(planJson));
          if (planned.exitCode !== 0 || planJson.changes.length === 0) return planned.exitCode;
          const applied = await reconcile({ db, config, logger, now, mode: 'apply', expectedEnv: g.env, allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY });
          if (applied.refusal) {
            ctx.io.stderr.write(`classctl: ${applied.refusal.message}\n`);
            return ExitCode.REFUSED;
          }
          ctx.write(`\n${renderAppliedCounts(applied.runId, applied.written)}\n`);
          ctx.write('Run `npm start` again: it prints "No changes." — every run recomputes the same desired state.\n');
          return applied.exitCode;
        } finally {
          await db.close();
        }
      }),
    );
}
