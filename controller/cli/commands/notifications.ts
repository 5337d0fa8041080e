import { Option, type Command } from 'commander';
import { ClassctlError } from '../../core/errors.js';
import { readOutboxState, type OutboxState } from '../../store/notifications/outbox-state.js';
import { retryDead } from '../../runtime/notifications/retry-dead.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { openDatabaseFor } from '../resources.js';
import { outputOption, positiveIntegerArg } from '../option-values.js';

/** The most deliveries one listing shows. */
const MAX_LISTED_DELIVERIES = 10_000;

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('notifications')
    .description('The notification outbox: deliveries by destination (pending, delivered, dead) and disabled destinations. `notifications retry` sends dead ones again.')
    .option('--pending', 'only deliveries waiting to be sent or retried')
    .option('--dead', 'only deliveries whose attempts ran out')
    .addOption(new Option('--limit <n>', `how many, newest first (1 to ${MAX_LISTED_DELIVERIES})`).argParser(positiveIntegerArg('--limit', MAX_LISTED_DELIVERIES)).default(50))
    .addOption(outputOption(['text', 'json']))
    .action(
      ctx.action(async (opts: { pending?: boolean; dead?: boolean; limit: number; output: string }, c: Command) => {
        if (opts.pending && opts.dead) throw new ClassctlError('USAGE', '--pending and --dead exclude each other.');
        const db = await openDatabaseFor(ctx.globals(c));
        try {
          const state = await readOutboxState(db, { status: opts.pending ? 'pending' : opts.dead ? 'dead' : undefined, limit: opts.limit });
          ctx.write(opts.output === 'json' ? JSON.stringify(state, null, 2) + '\n' : renderOutbox(state));
          return ExitCode.OK;
        } finally {
          await db.close();
        }
      }),
    );
  cmd
    .command('retry')
    .description('Send dead deliveries again: of one event (ID), or every dead one (--all-dead). Guarded like every write.')
    .argument('[id]', 'the event id (evt_…), as notifications --dead lists it')
    .option('--all-dead', 'every dead delivery')
    .action(
      ctx.action(async (id: string | undefined, opts: { allDead?: boolean }, c: Command) => {
        if ((id === undefined) === (opts.allDead !== true)) throw new ClassctlError('USAGE', 'Name one event id or pass --all-dead (not both).');
        const g = ctx.globals(c);
        const db = await openDatabaseFor(g);
        try {
          const n = await retryDead(db, id === undefined ? { allDead: true } : { eventId: id }, { expectedEnv: g.env, allowApply: ctx.io.env.CLASSCTL_ALLOW_APPLY, now: Date.now() });
          ctx.write(`${n} dead deliver${n === 1 ? 'y' : 'ies'} pending again; the next run or classctl serve sends ${n === 1 ? 'it' : 'them'}.\n`);
          return ExitCode.OK;
        } finally {
          await db.close();
        }
      }),
    );
}

export function renderOutbox(s: OutboxState): string {
  const out: string[] = [];
  for (const d of s.disabled) out.push(`Destination ${d.destination} is disabled since ${d.disabledAt}: ${d.reason}. Point its document at a new target to enable it.`);
  if (s.unrouted > 0) out.push(`${s.unrouted} event(s) not yet matched to a destination (none configured, or no delivery since they were written).`);
  if (s.deliveries.length === 0) {
    out.push('No deliveries.');
    return out.join('\n') + '\n';
  }
  const rows = s.deliveries.map((d) => [d.eventId, d.type, d.destination, d.status, String(d.attempts), d.nextAttemptAt ?? '-', d.lastError ?? '']);
  const header = ['EVENT', 'TYPE', 'DESTINATION', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'LAST ERROR'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  out.push(line(header), ...rows.map(line));
  return out.join('\n') + '\n';
}
