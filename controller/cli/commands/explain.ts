// `classctl explain --branch ID [--series ID]`: the resolved settings and the
// document that set each field. Exit 2 when that scope's configuration is invalid.
import { Option, type Command } from 'commander';
import { explainConfig, renderExplain, type ExplainResult } from '../../core/config/render-explain.js';
import type { OutputFormat } from '../../core/config/render-validation.js';
import { ClassctlError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { loadConfigSet } from '../resources.js';

export { explainConfig, renderExplain, type ExplainResult };

export function explainExitCode(result: ExplainResult): number {
  return result.resolved.ok ? ExitCode.OK : ExitCode.USAGE_OR_INVALID_CONFIG;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .description('Show the resolved settings of a branch, or of one series in it, with the document that set each field.')
    // Not a required option: a positional SERIES_ID (branch looked up in the database) can be added beside it.
    .option('--branch <id>', 'the branch id (branches.id)')
    .option('--series <id>', 'a series id; without it, what a series with no document of its own gets')
    .addOption(new Option('--output <format>', 'text | json').choices(['text', 'json']).default('text'))
    .action(
      ctx.action(async (opts: { branch?: string; series?: string; output: OutputFormat }, cmd: Command) => {
        if (!opts.branch) throw new ClassctlError('USAGE', 'explain needs --branch ID (and optionally --series ID).');
        const config = await loadConfigSet(ctx.globals(cmd));
        const result = explainConfig(config, opts.branch, opts.series);
        ctx.write(renderExplain(result, opts.output));
        return explainExitCode(result);
      }),
    );
}
