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
