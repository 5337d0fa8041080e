// `classctl context use NAME | list | show [NAME]`: the contexts of the
// contexts file, kubectl-style. `use` writes the contexts file only, never a
// database; `list` and `show` hide every password.
import type { Command } from 'commander';
import { ClassctlError, ErrorCodes } from '../../core/errors.js';
import { describeEmbedded } from '../../store/database-location.js';
import { DEFAULT_EMBEDDED_DATA_DIR } from '../../store/database.js';
import type { CliContext } from '../context.js';
import { contextsFilePath, EMBEDDED, findContext, readContextsFile, writeCurrentContext, type ContextEntry, type ContextsFile } from '../contexts/contexts-file.js';
import { maskDatabaseUrl } from '../contexts/database-display.js';
import { ExitCode } from '../exit-codes.js';

/** Where a context's database comes from, as shown: the masked URL, `embedded`, or the variable that holds it (and its masked value). */
function describeContextDatabase(c: ContextEntry, env: NodeJS.ProcessEnv): string {
  if (c.databaseFromEnv !== undefined) {
    const value = env[c.databaseFromEnv];
    return `$${c.databaseFromEnv} (${value ? maskDatabaseUrl(value) : 'not set'})`;
  }
  if (c.database === EMBEDDED) return `embedded (${describeEmbedded(DEFAULT_EMBEDDED_DATA_DIR)})`;
  if (c.database !== undefined) return maskDatabaseUrl(c.database);
  return '(not set: --database, DATABASE_URL or the embedded database)';
}

function describeConfigSource(c: ContextEntry): string {
  if (c.configSource === 'kubernetes') return `kubernetes${c.namespace ? `, namespace ${c.namespace}` : ''}`;
  if (c.config !== undefined) return `files in ${c.config}`;
  return '(not set: --config, default ./config)';
}

/** The contexts file, or a usage error saying where it was looked for. */
async function requireFile(env: NodeJS.ProcessEnv): Promise<{ path: string; file: ContextsFile | null }> {
  const path = contextsFilePath(env);
  if (path === null) {
    throw new ClassctlError(ErrorCodes.USAGE, 'No contexts file is in use: CLASSCTL_CONTEXTS is empty, or HOME is not set. Set CLASSCTL_CONTEXTS to the path of a contexts file.', { key: 'CLASSCTL_CONTEXTS' });
  }
  return { path, file: await readContextsFile(path) };
}

export function register(program: Command, ctx: CliContext): void {
  const context = program
    .command('context')
    .description('Named sets of --database, --env and config source (the contexts file, default ~/.config/classctl/contexts.yaml, or CLASSCTL_CONTEXTS): use, list, show.');

  context
    .command('use <name>')
    .description('Make NAME the current context: commands without --context use its database, env and config source. Writes the contexts file only.')
    .action(
      ctx.action(async (name: string) => {
        const { path, file } = await requireFile(ctx.io.env);
        const entry = findContext(file, name, path);
        await writeCurrentContext(path, name);
        ctx.write(`Switched to context "${name}": ${describeContextDatabase(entry, ctx.io.env)} · env: ${entry.env ?? '(not checked)'}.\n`);
        return ExitCode.OK;
      }),
    );

  context
    .command('list')
    .description('List the contexts; * marks the current one. Passwords are hidden.')
    .action(
      ctx.action(async () => {
        const { path, file } = await requireFile(ctx.io.env);
        if (file === null || file.contexts.size === 0) {
          ctx.write(`No contexts defined in ${path}. Add them under contexts: (see docs/usage.md, "Contexts").\n`);
          return ExitCode.OK;
        }
        const rows = [...file.contexts.values()].map((c) => [
          c.name === file.currentContext ? '*' : '',
          c.name,
          describeContextDatabase(c, ctx.io.env),
          c.env ?? '-',
          describeConfigSource(c),
        ]);
        ctx.write(table(['CURRENT', 'NAME', 'DATABASE', 'ENV', 'CONFIG'], rows));
        return ExitCode.OK;
      }),
    );

  context
    .command('show [name]')
    .description('Show a context (default: the one in use, from --context or current-context). Passwords are hidden.')
    .action(
      ctx.action(async (name: string | undefined, _opts: unknown, cmd: Command) => {
        const { path, file } = await requireFile(ctx.io.env);
        const wanted = name ?? (cmd.optsWithGlobals().context as string | undefined) ?? file?.currentContext;
        if (wanted === undefined) {
          ctx.write(`No context in use: ${file === null ? `${path} does not exist` : `${path} sets no current-context`}. Commands use --database / DATABASE_URL, --env / CLASSCTL_ENV and --config.\n`);
          return ExitCode.OK;
        }
        const c = findContext(file, wanted, path);
        ctx.write(
          [
            `Name:      ${c.name}${c.name === file?.currentContext ? ' (current)' : ''}`,
            `File:      ${path}`,
            `Database:  ${describeContextDatabase(c, ctx.io.env)}`,
            `Env:       ${c.env ?? '(not checked: any stamp is accepted)'}`,
            `Config:    ${describeConfigSource(c)}`,
          ].join('\n') + '\n',
        );
        return ExitCode.OK;
      }),
    );
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('   ').trimEnd() + '\n';
  return line(headers) + rows.map(line).join('');
}
