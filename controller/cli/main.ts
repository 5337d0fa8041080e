import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { ClassctlError, ErrorCodes } from '../core/errors.js';
import { ExitCode } from './exit-codes.js';
import { explainDatabaseError } from '../store/database-errors.js';
import { commandEntries } from './commands/index.js';
import { createCliContext, type CliIo } from './context.js';
import { describeDbError, isTransientDbError } from '../runtime/retry.js';
import { exitWhenWorkIsLost, installStrayErrorHandlers } from './stray-errors.js';
import { limitHeapGrowth } from '../runtime/heap-growth.js';
import { configSourceOption, logLevelOption } from './option-values.js';

/**
 * Thrown by a write to a stdout whose reader is gone (`classctl snapshot |
 * head -1`): the command stops at its next write, after finishing what it
 * was doing (a run finishes its journal row first), and exits quietly.
 */
export class OutputClosed extends Error {
  constructor() {
    super('stdout was closed by its reader');
    this.name = 'OutputClosed';
  }
}

/**
 * `stream` with a `write` that throws OutputClosed once the stream failed
 * with EPIPE (the reader closed the pipe). The EPIPE itself is consumed here,
 * so it never surfaces as an unhandled 'error' event.
 */
function guardOutput(stream: NodeJS.WritableStream): { stream: NodeJS.WritableStream; closed: () => boolean } {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw err;
  });
  const guarded = Object.create(stream, {
    write: {
      value: (...args: Parameters<NodeJS.WritableStream['write']>) => {
        if (closed) throw new OutputClosed();
        return (stream.write as (...a: unknown[]) => boolean)(...args);
      },
    },
  }) as NodeJS.WritableStream;
  return { stream: guarded, closed: () => closed };
}

/**
 * `classctl` and its global options, without commands. Commander's subcommands
 * inherit exitOverride and the output only when they are set before the
 * subcommands are added: here.
 */
function rootCommand(io: CliIo): Command {
  return new Command('classctl')
    .description('Generates class sessions from class series into PostgreSQL, under layered scheduling rules.')
    .option('--database <url>', 'PostgreSQL URL (default: DATABASE_URL, else the embedded database in ./.classctl/)')
    .option('--config <dir>', 'directory of SchedulingConfig documents', './config')
    .addOption(configSourceOption())
    .option('--namespace <ns>', 'namespace of SchedulingConfig resources (with --config-source kubernetes)')
    .option('--env <name>', 'the environment this command expects the database to be (default: CLASSCTL_ENV)')
    .option('--context <name>', 'take --database, --env and the config source from this context of the contexts file (default: its current-context)')
    .addOption(logLevelOption(process.env))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
}

/**
 * The command `argv` runs (as process.argv), or whose help it asks for with
 * `help NAME`: the first operand once the global options are taken out, found
 * by the same option parser the program runs, so the two cannot disagree.
 * Undefined when argv names none (`classctl --help`) or is not parseable.
 */
export function invokedCommandName(argv: readonly string[]): string | undefined {
  const silent: CliIo = { stdout: new DiscardOutput(), stderr: new DiscardOutput(), env: {} };
  let operands: string[];
  try {
    operands = rootCommand(silent).parseOptions(argv.slice(2)).operands;
  } catch {
    return undefined; // e.g. `--config` without its value: the real parse reports it
  }
  return operands[0] === 'help' ? operands[1] : operands[0];
}

/** A stream that drops what is written: the option scan above must print nothing. */
class DiscardOutput extends Writable {
  override _write(_chunk: unknown, _encoding: BufferEncoding, done: () => void): void {
    done();
  }
}

/**
 * Builds the `classctl` program; each command lives in its own module under
 * `commands/`. `{ only: NAME }` imports that command's module alone and lists
 * the others by name and summary, so that a command (or `--help`) loads nothing
 * it does not use; `{ only: undefined }` lists them all without importing any;
 * 'all' imports every module (tests and tooling that inspect the commands).
 */
export async function buildProgram(io: CliIo, onExit: (code: number) => void, load: 'all' | { only: string | undefined } = 'all'): Promise<Command> {
  const program = rootCommand(io).showHelpAfterError();
  const ctx = createCliContext(io, onExit);
  // `context` commands read and edit the contexts file themselves: a broken current-context must not lock them out.
  program.hook('preAction', async (_root, action) => {
    if (action.parent?.name() !== 'context') await ctx.selectContext(action);
  });
  for (const entry of commandEntries) {
    if (load === 'all' || load.only === entry.name) {
      (await entry.load()).register(program, ctx);
      continue;
    }
    program
      .command(entry.args ? `${entry.name} ${entry.args}` : entry.name)
      .description(entry.summary)
      .action(() => {
        throw new Error(`the module of command "${entry.name}" was not loaded (the command line was read differently than expected)`);
      });
  }
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
  const stdout = guardOutput(io.stdout);
  io = { ...io, stdout: stdout.stream };
  let program: Command | undefined;
  try {
    program = await buildProgram(io, (c) => (code = c), { only: invokedCommandName(argv) });
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return ExitCode.OK;
      // Commander has printed the message and the help on stderr already.
      if (wantsJsonOutput(argv)) io.stdout.write(JSON.stringify({ error: { code: 'USAGE', message: err.message.replace(/^error: /, '') } }) + '\n');
      return ExitCode.USAGE_OR_INVALID_CONFIG;
    }
    if (err instanceof OutputClosed) return ExitCode.OK;
    return reportFailure(err, io, argv, String(program?.opts().logLevel ?? ''));
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
  const explained = explainDatabaseError(thrown, 'the database');
  // A connection lost for good after the retries: every write is one transaction per branch, so nothing is half-written.
  const err = !(explained instanceof ClassctlError) && isTransientDbError(explained)
    ? new ClassctlError(ErrorCodes.DB_ERROR, `${describeDbError(explained)}. Nothing was left half-written: run the command again.`, { key: 'database', cause: explained })
    : explained;
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
  // Memory follows a branch: keep V8 from letting a run's garbage pile up to several times what it holds.
  limitHeapGrowth();
  let strayFailure = false;
  installStrayErrorHandlers(process.stderr, () => {
    strayFailure = true;
    process.exitCode = Math.max(Number(process.exitCode ?? 0), ExitCode.RUN_FAILED);
  });
  let finished = false;
  exitWhenWorkIsLost(process.stderr, () => finished, ExitCode.RUN_FAILED);
  // Logs go to stderr: a closed stderr (`2>&1 | head`) must not kill the process either.
  process.stderr.on('error', () => {});
  try {
    const code = await main(process.argv);
    process.exitCode = strayFailure ? Math.max(code, ExitCode.RUN_FAILED) : code;
  } catch (err) {
    process.stderr.write(`classctl: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = ExitCode.RUN_FAILED;
  } finally {
    finished = true;
  }
}

/** Errors thrown out of a command map onto the exit codes by their code. */
export function exitCodeFor(err: ClassctlError): number {
  if (err.code.startsWith('GUARD_') || err.code === 'PLAN_STALE' || err.code === 'PLAN_ALREADY_APPLIED') return ExitCode.REFUSED;
  if (err.code === 'USAGE' || err.code.startsWith('CONFIG_') || err.code.startsWith('CONTEXT') || err.code === 'LOAD_INVALID' || err.code === 'NOT_FOUND') {
    return ExitCode.USAGE_OR_INVALID_CONFIG;
  }
  return ExitCode.RUN_FAILED;
}
