// `npm start`: the main job on the embedded database, from a clean clone.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { planToJson } from '../../core/render/plan-json.js';
import { renderPlanText } from '../../core/render/plan-text.js';
import { reconcile } from '../../runtime/reconcile.js';
import { loadInputs } from '../../store/load.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { loadConfigSet, openDatabaseFor, parseNow } from '../resources.js';

export const DEMO_FILE = 'examples/demo.yaml';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description(`Load ${DEMO_FILE}, show the plan and apply it (embedded database unless --database). A second run prints "No changes."`)
    .option('--file <file>', 'the branches and series to load', DEMO_FILE)
    .option('--now <iso>', 'the instant of the run (default: now)')
    .action(
      ctx.action(async (opts: { file: string; now?: string }, cmd: Command) => {
        const g = ctx.globals(cmd);
        const logger = ctx.logger(cmd);
        const now = parseNow(opts.now);
        const config = await loadConfigSet(g);
        const db = await openDatabaseFor(g);
        try {
          ctx.write(`Database: ${db.describe()}\n`);
          const loaded = await loadInputs(db, parseYaml(await readFile(opts.file, 'utf8')));
          if (loaded.problems.some((p) => p.severity === 'error')) {
            for (const p of loaded.problems) ctx.io.stderr.write(`${opts.file} ${p.pointer}: ${p.message}\n`);
            return ExitCode.USAGE_OR_INVALID_CONFIG;
          }
          ctx.write(`Loaded ${loaded.branches} branches and ${loaded.series} series from ${opts.file}.\n\n`);
          const planned = await reconcile({ db, config, logger, now, mode: 'plan' });
          const planJson = planToJson(planned.plan);
          ctx.write(renderPlanText(planJson));
          if (planned.exitCode !== 0 || planJson.changes.length === 0) return planned.exitCode;
          const applied = await reconcile({ db, config, logger, now, mode: 'apply', expectedEnv: g.env, allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY });
          if (applied.refusal) {
            ctx.io.stderr.write(`classctl: ${applied.refusal.message}\n`);
            return ExitCode.REFUSED;
          }
          const s = applied.written;
          ctx.write(`\nApplied (run ${applied.runId}): ${s.create} created, ${s.update} updated, ${s.delete} deleted, ${s.cancel} cancelled, ${s.seriesDeleted} series archived.\n`);
          ctx.write('Run `npm start` again: it prints "No changes." — every run recomputes the same desired state.\n');
          return applied.exitCode;
        } finally {
          await db.close();
        }
      }),
    );
}
