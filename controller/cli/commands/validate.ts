// `classctl validate`: checks every config document, lists every problem, and
// exits 2 when any is an error (warnings do not fail).
import type { Command } from 'commander';
import { outputOption } from '../option-values.js';
import type { ConfigSet } from '../../core/config/config-set.js';
import { renderValidation, type OutputFormat } from '../../core/config/render-validation.js';
import { ExitCode } from '../exit-codes.js';
import { loadConfigSet } from '../resources.js';
import type { CliContext, GlobalOptions } from '../context.js';

async function loadDestinationDocuments(g: GlobalOptions) {
  if (g.configSource === 'kubernetes') {
    const { loadDestinationsFromKubernetes } = await import('../../sources/kubernetes-destinations.js');
    return loadDestinationsFromKubernetes({ namespace: g.namespace });
  }
  const { loadDestinationsFromDir } = await import('../../sources/notification-destinations.js');
  return loadDestinationsFromDir(g.config);
}

/** 2 when any problem is an error; warnings alone do not fail. */
export function validationExitCode(config: Pick<ConfigSet, 'problems'>): number {
  return config.problems.some((p) => p.severity === 'error') ? ExitCode.USAGE_OR_INVALID_CONFIG : ExitCode.OK;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('Check the SchedulingConfig documents (--config DIR): every error with file, document, JSON pointer and what to fix. Exit 0 valid, 2 invalid.')
    .addOption(outputOption(['text', 'json']))
    .action(
      ctx.action(async (opts: { output: OutputFormat }, cmd: Command) => {
        const g = ctx.globals(cmd);
        const loaded = await loadConfigSet(g);
        // NotificationDestination documents are checked too (their shape, not
        // their credentials: those are read where the controller runs).
        const destinations = await loadDestinationDocuments(g);
        const config = destinations.problems.length === 0 ? loaded : { ...loaded, problems: [...loaded.problems, ...destinations.problems] };
        ctx.write(renderValidation(config, opts.output));
        return validationExitCode(config);
      }),
    );
}
