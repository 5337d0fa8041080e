import { Command, CommanderError } from 'commander';
import { ClassctlError } from '../core/errors.js';
import { ExitCode } from './exit-codes.js';
import { explainDatabaseError } from '../store/database-errors.js';
import { commandModules } from './commands/index.js';
import { createCliContext, type CliIo } from './context.js';

/** Builds the `classctl` program; each command lives in its own module under `commands/`. */
export function buildProgram(io: CliIo, onExit: (code: number) => void): Command {
  const program = new Command('classctl')
    .description('Generates class sessions from class series into PostgreSQL, under layered scheduling rules.')
    .option('--database <url>', 'PostgreSQL URL (default: DATABASE_URL, else the embedded database in ./.classctl/)')
    .option('--config <dir>', 'directory of SchedulingConfig documents', './config')
    .option('--config-source <source>', 'where config documents come from: files | kubernetes', 'files')
    .option('--namespace <ns>', 'namespace of SchedulingConfig resources (with --config-source kubernetes)')
    .option('--env <name>', 'the environment this command expects the database to be (default: CLASSCTL_ENV)')
    .option('--log-level <level>', 'trace | debug | info | warn | error | silent', process.env.CLASSCTL_LOG_LEVEL ?? 'info')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();
  const ctx = createCliContext(io, onExit);
  for (const mod of commandModules) mod.register(program, ctx);
  return program;
}

/**
 * Runs one command. `argv` is as process.argv (node, script, ...args).
 * Returns the exit code instead of exiting, so tests can call it in-process.
 */
export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  let code: number = ExitCode.OK;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  // Commander's own subcommands inherit exitOverride/output only when set before they are added.
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return ExitCode.OK;
      // Commander has printed the message and the help on stderr already.
      if (wantsJsonOutput(argv)) io.stdout.write(JSON.stringify({ error: { code: 'USAGE', message: err.message.replace(/^error: /, '') } }) + '\n');
      return ExitCode.USAGE_OR_INVALID_CONFIG;
    }
    return reportFailure(err, io, argv, String(program.opts().logLevel ?? ''));
  }
  return code;
}

/**
 * A command that threw: one line `classctl: <message>` on stderr (the stack
 * only at --log-level debug or trace, for an unexpected error), and with
 * `--output json` also `{"error":{"code","message"}}` on stdout, so a script
 * reading stdout sees the failure too. Database errors an operator can fix are
 * explained (explainDatabaseError) wherever they were thrown.
 */
function reportFailure(thrown: unknown, io: CliIo, argv: string[], logLevel: string): number {
  const err = explainDatabaseError(thrown, 'the database');
  const known = err instanceof ClassctlError;
  const message = known
    ? err.message
    : `unexpected error: ${err instanceof Error ? err.message : String(err)}. ` +
      (logLevel === 'debug' || logLevel === 'trace' ? 'Where it happened is below.' : 'Run again with --log-level debug to see where it happened.');
  io.stderr.write(`classctl: ${message}\n`);
  if (!known && err instanceof Error && (logLevel === 'debug' || logLevel === 'trace')) io.stderr.write(`${err.stack ?? ''}\n`);
  if (wantsJsonOutput(argv)) {
    const error = { code: known ? err.code : 'INTERNAL', message, ...(known && err.key !== undefined ? { key: err.key } : {}) };
    io.stdout.write(JSON.stringify({ error }) + '\n');
  }
  return known ? exitCodeFor(err) : ExitCode.RUN_FAILED;
}

function wantsJsonOutput(argv: string[]): boolean {
  return argv.some((a, i) => a === '--output=json' || (a === '--output' && argv[i + 1] === 'json'));
}

/** The process entry (bin/classctl.js): sets the exit code, reports unexpected errors. */
export async function runCli(): Promise<void> {
  try {
    process.exitCode = await main(process.argv);
  } catch (err) {
    process.stderr.write(`classctl: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = ExitCode.RUN_FAILED;
  }
}

/** Errors thrown out of a command map onto DESIGN §6's exit codes by their code. */
export function exitCodeFor(err: ClassctlError): number {
  if (err.code.startsWith('GUARD_') || err.code === 'PLAN_STALE') return ExitCode.REFUSED;
  if (err.code === 'USAGE' || err.code.startsWith('CONFIG_') || err.code === 'LOAD_INVALID' || err.code === 'NOT_FOUND') {
    return ExitCode.USAGE_OR_INVALID_CONFIG;
  }
  return ExitCode.RUN_FAILED;
}
