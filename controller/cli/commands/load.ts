// `classctl load FILE [--plan|--apply]`: upsert branches and series from a
// YAML or JSON file (a snapshot file loads too). Like `reconcile`, it shows
// what would change by default and writes only with --apply, after the same
// guards as an apply. Every problem is listed and nothing is written when any
// row is invalid (exit 2): every row is validated before the first write.
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { outputOption } from '../option-values.js';
import { ClassctlError, type Problem } from '../../core/errors.js';
import { LoadJsonTable, loadJsonHead, loadJsonTail } from '../../core/load/load-plan-json.js';
import { isEmptyLoadCounts, renderAddedRow, renderChangedRow, renderLoadCounts, type LoadTable, type RowChange } from '../../core/load/load-plan.js';
import type { LoadSeries } from '../../core/load/validate-load.js';
import type { Branch } from '../../core/types.js';
import { checkApplyGuards } from '../../runtime/guards.js';
import { parseLoadFile as parseLoadText } from '../../sources/load-file.js';
import { prepareLoad, streamLoadPlan, writeLoad, type LoadPlanSink } from '../../store/load.js';
import { withDatabase } from '../../store/with-database.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeRunHeader } from '../run-header.js';

/** Rows the text plan lists before it only counts; --detail full lists every one. */
export const LOAD_TEXT_ROWS = 100;

/** The file's single document (`.json` by JSON.parse, anything else as YAML). */
export function parseLoadFile(text: string, file = ''): { doc: unknown; error: string | null } {
  return parseLoadText(text, file);
}

function problemLine(file: string, p: Problem): string {
  return `${file}#${p.pointer || '/'}: ${p.message}\n`;
}

/** Writes to a stream, waiting when its buffer is full, so a long plan is not held in memory. */
function writer(stream: NodeJS.WritableStream): (text: string) => Promise<void> {
  return (text) => (stream.write(text) ? Promise.resolve() : new Promise<void>((resolve) => stream.once('drain', () => resolve())));
}

/** The first LOAD_TEXT_ROWS rows of the plan, in the order the full plan lists them, then one line for the rest. */
class TextPlanSink implements LoadPlanSink {
  private readonly kept: Record<LoadTable, { add: string[]; change: string[] }> = { branches: { add: [], change: [] }, series: { add: [], change: [] } };
  private hidden = 0;
  constructor(private readonly limit: number) {}
  add(table: LoadTable, row: Branch | LoadSeries): void {
    this.keep(this.kept[table].add, () => renderAddedRow(table, row));
  }
  change(table: LoadTable, c: RowChange): void {
    this.keep(this.kept[table].change, () => renderChangedRow(table, c));
  }
  private keep(list: string[], line: () => string): void {
    if (list.length < this.limit) list.push(line());
    else this.hidden++;
  }
  lines(): string[] {
    const all = [...this.kept.branches.add, ...this.kept.branches.change, ...this.kept.series.add, ...this.kept.series.change];
    const hidden = this.hidden + Math.max(0, all.length - this.limit);
    const shown = all.slice(0, this.limit);
    if (hidden > 0) shown.push(`  … and ${hidden} more row${hidden === 1 ? '' : 's'} to add or change, counted below; run with --detail full to list every one.`);
    return shown;
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('load <file>')
    .description('Show (default) or, with --apply, upsert the branches and series of a YAML or JSON file; nothing is written if any row is invalid.')
    .option('--plan', 'show what would be added and changed (default)')
    .option('--apply', 'write it (guarded like reconcile --apply)')
    .addOption(new Option('--detail <level>', `text output: limited lists the first ${LOAD_TEXT_ROWS} added or changed rows and counts the rest; full lists every row`).choices(['limited', 'full']).default('limited'))
    .addOption(outputOption(['text', 'json'], { about: 'json lists every row' }))
    .action(
      ctx.action(async (file: string, opts: { plan?: boolean; apply?: boolean; detail: 'limited' | 'full'; output: 'text' | 'json' }, cmd: Command) => {
        if (opts.plan && opts.apply) throw new ClassctlError('USAGE', '--plan and --apply exclude each other.');
        let text: string | undefined;
        try {
          text = await readFile(file, 'utf8');
        } catch (err) {
          ctx.io.stderr.write(`classctl: cannot read ${file}: ${(err as Error).message}\n`);
          return ExitCode.USAGE_OR_INVALID_CONFIG;
        }
        const parsed = parseLoadFile(text, file);
        text = undefined; // the parsed document is all that is needed from here on
        if (parsed.error) {
          ctx.io.stderr.write(`classctl: ${file} is not valid YAML or JSON: ${parsed.error}\nNothing was written.\n`);
          return ExitCode.USAGE_OR_INVALID_CONFIG;
        }
        const g = ctx.globals(cmd);
        const out = writer(ctx.io.stdout);
        return withDatabase({ url: g.database }, async (db) => {
          await writeRunHeader(ctx.io.stderr, g, db);
          // An apply passes the guards before anything else, as reconcile --apply does.
          if (opts.apply) await checkApplyGuards(db, { expectedEnv: g.env, allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY, action: `load ${file}` });
          const { problems, rows } = await prepareLoad(db, parsed.doc);
          parsed.doc = undefined;
          const errors = problems.filter((p) => p.severity === 'error');
          for (const p of problems) ctx.io.stderr.write(problemLine(file, p));
          if (errors.length > 0) {
            ctx.io.stderr.write(`${errors.length} problem${errors.length > 1 ? 's' : ''} in ${file}. Nothing was written.\n`);
            return ExitCode.USAGE_OR_INVALID_CONFIG;
          }
          const applied = opts.apply === true;

          if (opts.output === 'json') {
            // Every row, streamed: adds then changes of each table, the shape of one JSON object.
            await out(loadJsonHead({ file, database: db.describe(), applied }));
            const tables = { branches: new LoadJsonTable('branches'), series: new LoadJsonTable('series') };
            const opened = new Set<LoadTable>();
            const open = async (table: LoadTable) => {
              if (opened.has(table)) return;
              opened.add(table);
              await out(tables[table].open() + tables[table].startList('add'));
            };
            const sink: LoadPlanSink = {
              add: async (table, row) => (await open(table), out(tables[table].item(row))),
              change: (table, c) => out(tables[table].item(c)),
              addsDone: async (table) => (await open(table), out(tables[table].endList() + tables[table].startList('change'))),
              tableDone: (table, counts) => out(tables[table].endList() + tables[table].close(counts)),
            };
            const plan = await streamLoadPlan(db, rows, sink, { changesAfterAdds: true });
            const written = applied && !isEmptyLoadCounts(plan.counts) ? await writeLoad(db, plan.toWrite) : { branches: 0, series: 0 };
            if (applied) ctx.logger(cmd).info({ database: db.describe(), file, branches: rows.branches.length, series: rows.series.length, written }, 'Inputs loaded.');
            await out(loadJsonTail(written));
            return ExitCode.OK;
          }

          const textSink = new TextPlanSink(opts.detail === 'full' ? Number.POSITIVE_INFINITY : LOAD_TEXT_ROWS);
          const fullSink: LoadPlanSink = {
            add: (table, row) => out(renderAddedRow(table, row) + '\n'),
            change: (table, c) => out(renderChangedRow(table, c) + '\n'),
          };
          await out(`Load plan for ${file} into ${db.describe()}:\n`);
          const plan = opts.detail === 'full'
            ? await streamLoadPlan(db, rows, fullSink, { changesAfterAdds: true })
            : await streamLoadPlan(db, rows, textSink, { changesAfterAdds: false });
          if (opts.detail !== 'full') for (const line of textSink.lines()) await out(line + '\n');
          await out(renderLoadCounts(plan.counts) + '\n');
          if (!applied) {
            await out(isEmptyLoadCounts(plan.counts) ? 'No changes.\n' : `Nothing was written. Run \`classctl load ${file} --apply\` to write it.\n`);
            return ExitCode.OK;
          }
          const written = isEmptyLoadCounts(plan.counts) ? { branches: 0, series: 0 } : await writeLoad(db, plan.toWrite);
          ctx.logger(cmd).info({ database: db.describe(), file, branches: rows.branches.length, series: rows.series.length, written }, 'Inputs loaded.');
          await out(
            `Loaded ${rows.branches.length} branch${rows.branches.length === 1 ? '' : 'es'} (${written.branches} written) ` +
              `and ${rows.series.length} series (${written.series} written) from ${file} into ${db.describe()}.\n`,
          );
          return ExitCode.OK;
        });
      }),
    );
}
