// `classctl load FILE [--plan|--apply]`: upsert branches and series from a
// YAML or JSON file (a snapshot file loads too). Like `reconcile`, it shows
// what would change by default and writes only with --apply, after the same
// guards as an apply. Every problem is listed and nothing is written when any
// row is invalid (exit 2).
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { ClassctlError, type Problem } from '../../core/errors.js';
import { isEmptyLoadPlan, renderLoadPlanText } from '../../core/load/load-plan.js';
import { checkApplyGuards } from '../../runtime/guards.js';
import { planLoadInputs, writeLoad } from '../../store/load.js';
import { withDatabase } from '../../store/with-database.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

/**
 * The file's single document. YAML 1.2 core schema, so unquoted 2026-11-25
 * and 18:30 stay strings; JSON is read by the same parser (JSON is YAML).
 */
export function parseLoadFile(text: string): { doc: unknown; error: string | null } {
  const docs = parseAllDocuments(text, { schema: 'core', prettyErrors: true });
  if (docs.length > 1) return { doc: null, error: `the file holds ${docs.length} YAML documents; put branches and series in one` };
  const d = docs[0];
  if (!d) return { doc: null, error: null }; // an empty file: validation says what it needs
  const first = d.errors[0];
  if (first) return { doc: null, error: first.message };
  return { doc: d.toJS({ maxAliasCount: 100 }), error: null };
}

function problemLine(file: string, p: Problem): string {
  return `${file}#${p.pointer || '/'}: ${p.message}\n`;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('load <file>')
    .description('Show (default) or, with --apply, upsert the branches and series of a YAML or JSON file; nothing is written if any row is invalid.')
    .option('--plan', 'show what would be added and changed (default)')
    .option('--apply', 'write it (guarded like reconcile --apply)')
    .addOption(new Option('--output <format>', 'text | json').choices(['text', 'json']).default('text'))
    .action(
      ctx.action(async (file: string, opts: { plan?: boolean; apply?: boolean; output: 'text' | 'json' }, cmd: Command) => {
        if (opts.plan && opts.apply) throw new ClassctlError('USAGE', '--plan and --apply exclude each other.');
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (err) {
          ctx.io.stderr.write(`classctl: cannot read ${file}: ${(err as Error).message}\n`);
          return ExitCode.USAGE_OR_INVALID_CONFIG;
        }
        const parsed = parseLoadFile(text);
        if (parsed.error) {
          ctx.io.stderr.write(`classctl: ${file} is not valid YAML or JSON: ${parsed.error}\nNothing was written.\n`);
          return ExitCode.USAGE_OR_INVALID_CONFIG;
        }
        const g = ctx.globals(cmd);
        return withDatabase({ url: g.database }, async (db) => {
          // An apply passes the guards before anything else, as reconcile --apply does.
          if (opts.apply) await checkApplyGuards(db, { expectedEnv: g.env, allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY, action: `load ${file}` });
          const { problems, rows, plan } = await planLoadInputs(db, parsed.doc);
          const errors = problems.filter((p) => p.severity === 'error');
          for (const p of problems) ctx.io.stderr.write(problemLine(file, p));
          if (errors.length > 0 || !plan) {
            ctx.io.stderr.write(`${errors.length} problem${errors.length > 1 ? 's' : ''} in ${file}. Nothing was written.\n`);
            return ExitCode.USAGE_OR_INVALID_CONFIG;
          }
          const written = opts.apply && !isEmptyLoadPlan(plan) ? await writeLoad(db, rows) : { branches: 0, series: 0 };
          if (opts.apply) ctx.logger(cmd).info({ database: db.describe(), file, branches: rows.branches.length, series: rows.series.length, written }, 'Inputs loaded.');
          if (opts.output === 'json') {
            ctx.write(JSON.stringify({ file, database: db.describe(), applied: opts.apply === true, ...plan, written }, null, 2) + '\n');
            return ExitCode.OK;
          }
          ctx.write(`Load plan for ${file} into ${db.describe()}:\n${renderLoadPlanText(plan)}`);
          if (!opts.apply) {
            ctx.write(isEmptyLoadPlan(plan) ? 'No changes.\n' : `Nothing was written. Run \`classctl load ${file} --apply\` to write it.\n`);
            return ExitCode.OK;
          }
          ctx.write(
            `Loaded ${rows.branches.length} branch${rows.branches.length === 1 ? '' : 'es'} (${written.branches} written) ` +
              `and ${rows.series.length} series (${written.series} written) from ${file} into ${db.describe()}.\n`,
          );
          return ExitCode.OK;
        });
      }),
    );
}
