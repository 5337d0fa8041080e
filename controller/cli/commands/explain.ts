// `classctl explain SERIES_ID` or `--branch ID [--series ID]`: the resolved
// settings and the document that set each field; with SERIES_ID (the row read
// from the database) also each session field's effective value and source.
// Exit 2 when that scope's configuration is invalid.
import type { Command } from 'commander';
import { outputOption } from '../option-values.js';
import { explainConfig, renderExplain, type ExplainResult, type ExplainSeriesRow } from '../../core/config/render-explain.js';
import type { OutputFormat } from '../../core/config/render-validation.js';
import type { ConfigSet } from '../../core/config/config-set.js';
import { ClassctlError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { loadConfigSet, openDatabaseFor } from '../resources.js';
import type { GlobalOptions } from '../context.js';
import { readSeriesWithZone } from '../../store/inputs.js';

/** The series row and its branch's zone: the session fields explain shows come from them. */
async function readSeriesRow(g: GlobalOptions, seriesId: string): Promise<ExplainSeriesRow> {
  const db = await openDatabaseFor(g);
  try {
    const row = await readSeriesWithZone(db, seriesId);
    if (!row) {
      throw new ClassctlError('NOT_FOUND', `Series "${seriesId}" is not in class_series (${db.describe()}); check the id (\`classctl snapshot\` lists the known series), or use --branch ID --series ID to explain what a configuration gives a series.`, { key: seriesId });
    }
    return row;
  } finally {
    await db.close();
  }
}

/**
 * Whether a SchedulingConfig document targets this branch or series (an
 * invalid one too, known by its problems): then the id is known without the database.
 */
function namedByDocument(config: ConfigSet, kind: 'branch' | 'series', id: string): boolean {
  return config.documents.some((d) => d.scope.kind === kind && d.scope.id === id) || config.problems.some((p) => p.scope === `${kind}:${id}`);
}

/**
 * `--branch ID` and `--series ID` must name something that exists: a typo
 * would otherwise print the base settings as if they were that branch's. An
 * id a document names is known; any other is looked up in the database.
 */
async function checkScopeExists(g: GlobalOptions, config: ConfigSet, branchId: string, seriesId: string | undefined): Promise<void> {
  const checkBranch = !namedByDocument(config, 'branch', branchId);
  const checkSeries = seriesId !== undefined && !namedByDocument(config, 'series', seriesId);
  if (!checkBranch && !checkSeries) return;
  const db = await openDatabaseFor(g);
  try {
    if (checkBranch && (await db.query('SELECT 1 FROM branches WHERE id = $1', [branchId])).length === 0) {
      throw new ClassctlError(
        'NOT_FOUND',
        `Branch "${branchId}" is unknown: no SchedulingConfig document names it and it is not in branches (${db.describe()}). \`classctl snapshot\` lists the known branches; check the id.`,
        { key: branchId },
      );
    }
    if (checkSeries && (await db.query('SELECT 1 FROM class_series WHERE id = $1', [seriesId])).length === 0) {
      throw new ClassctlError(
        'NOT_FOUND',
        `Series "${seriesId}" is unknown: no SchedulingConfig document names it and it is not in class_series (${db.describe()}). \`classctl snapshot\` lists the known series; check the id.`,
        { key: seriesId },
      );
    }
  } finally {
    await db.close();
  }
}

export { explainConfig, renderExplain, type ExplainResult };

export function explainExitCode(result: ExplainResult): number {
  return result.resolved.ok ? ExitCode.OK : ExitCode.USAGE_OR_INVALID_CONFIG;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .description('Show the resolved settings of a series (its branch looked up in the database) or of --branch [--series], with the document that set each field; with SERIES_ID also the value each session field gets and where it comes from (series row or settings).')
    .argument('[seriesId]', 'a series id: its branch is read from class_series')
    // Not a required option: a positional SERIES_ID (branch looked up in the database) can be added beside it.
    .option('--branch <id>', 'the branch id (branches.id)')
    .option('--series <id>', 'a series id; without it, what a series with no document of its own gets')
    .addOption(outputOption(['text', 'json']))
    .action(
      ctx.action(async (seriesId: string | undefined, opts: { branch?: string; series?: string; output: OutputFormat }, cmd: Command) => {
        const g = ctx.globals(cmd);
        let branchId = opts.branch;
        const series = seriesId ?? opts.series;
        const row = seriesId !== undefined && branchId === undefined ? await readSeriesRow(g, seriesId) : undefined;
        if (row) branchId = row.series.branchId;
        if (!branchId) throw new ClassctlError('USAGE', 'explain needs SERIES_ID, or --branch ID (and optionally --series ID).');
        const config = await loadConfigSet(g);
        if (!row) await checkScopeExists(g, config, branchId, series);
        const result = explainConfig(config, branchId, series, row, Date.now());
        ctx.write(renderExplain(result, opts.output));
        return explainExitCode(result);
      }),
    );
}
