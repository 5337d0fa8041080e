// The last line of defence against a database error that escapes every
// await: the driver can reject a promise nobody holds (a connection dropped
// while idle, a query issued fire-and-forget). Such an error must never kill
// the process with a stack. `serve` logs it and goes on (its next run
// retries); any other command reports it and exits 1. Every other stray
// error is a bug and still ends the process as Node would.
import { describeDbError, isTransientDbError } from '../runtime/retry.js';

type StrayHandler = (err: unknown) => void;

let current: StrayHandler | null = null;

/** While `handler` is installed (serve), stray database errors go to it; returns the uninstaller. */
export function handleStrayDatabaseErrors(handler: StrayHandler): () => void {
  current = handler;
  return () => {
    if (current === handler) current = null;
  };
}

/**
 * When the event loop empties while the command still waits: a promise the
 * driver dropped with its connection (one that is neither resolved nor
 * rejected, with nothing left that could settle it) would otherwise end the
 * process with Node's exit code 13 and a warning. It ends with a sentence
 * and exit code 1 instead; what was committed stays, and an open journal row
 * is marked interrupted by the next run. `finished` says whether the command
 * returned.
 */
export function exitWhenWorkIsLost(stderr: NodeJS.WritableStream, finished: () => boolean, exitCode: number): void {
  process.once('beforeExit', () => {
    if (finished()) return;
    stderr.write('classctl: a database request was lost with its connection and can never complete, so the command stopped. What it committed is kept. Run the command again.\n');
    process.exit(exitCode);
  });
}

/** Installs the process-wide handlers once (bin/classctl.js through runCli). */
export function installStrayErrorHandlers(stderr: NodeJS.WritableStream, failRun: () => void): void {
  const onStray = (err: unknown): boolean => {
    if (!isTransientDbError(err)) return false;
    if (current) current(err);
    else {
      stderr.write(`classctl: ${describeDbError(err)}; the database connection was lost outside any retried work. Run the command again.\n`);
      failRun();
    }
    return true;
  };
  process.on('unhandledRejection', (reason) => {
    if (!onStray(reason)) throw reason;
  });
  process.on('uncaughtException', (err) => {
    if (onStray(err)) return;
    stderr.write(`classctl: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
