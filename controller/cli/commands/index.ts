// The commands of `classctl`. A command's module is imported only when that
// command runs or shows its own help: the modules import the database drivers,
// the HTTP server, the recurrence engine and the rest, which `classctl --help`
// or `classctl validate` must not pay for at start-up. `classctl --help` lists
// each command from this table alone.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

export interface CommandEntry {
  /** The name the module registers (a test checks that they agree). */
  name: string;
  /** Its arguments as its module declares them, shown in the command list. */
  args?: string;
  /** One line for the command list of `classctl --help`; `classctl NAME --help` shows the module's full description. */
  summary: string;
  load(): Promise<CommandModule>;
}

export const commandEntries: CommandEntry[] = [
  { name: 'apply', args: '<planfile>', summary: 'Apply a saved plan exactly (from `reconcile --plan --out FILE`), or refuse it as stale (exit 3).', load: () => import('./apply.js') },
  { name: 'context', summary: 'Named sets of --database, --env and config source: context use NAME | list | show [NAME].', load: () => import('./context.js') },
  { name: 'demo', summary: 'Load examples/demo.yaml, show the plan and apply it, on the embedded database or an empty one.', load: () => import('./demo.js') },
  { name: 'doctor', summary: 'Check the data invariants; exit 1 listing offending rows.', load: () => import('./doctor.js') },
  { name: 'env', summary: 'The environment this database belongs to (production, staging, …), checked before every apply.', load: () => import('./env.js') },
  { name: 'explain', args: '[seriesId]', summary: 'Show the resolved settings of a series or of --branch [--series], with the document that set each field.', load: () => import('./explain.js') },
  { name: 'export', summary: 'Export a calendar feed as iCalendar: export ics --branch ID [--room R] | --instructor I [--out FILE] [--url BASE].', load: () => import('./export.js') },
  { name: 'get', summary: "List a branch's sessions as a table in its time zone: get sessions --branch ID [--week W | --from D --to D].", load: () => import('./get.js') },
  { name: 'history', summary: 'What runs changed, newest first, with the reason and the fields before and after: --series, --session, --run, --since.', load: () => import('./history.js') },
  { name: 'load', args: '<file>', summary: 'Show (default) or, with --apply, upsert the branches and series of a YAML or JSON file.', load: () => import('./load.js') },
  { name: 'migrate', summary: 'Apply pending schema migrations (forward-only; safe to run from several processes at once).', load: () => import('./migrate.js') },
  { name: 'notifications', summary: 'The notification outbox: pending, delivered and dead deliveries; notifications retry ID|--all-dead.', load: () => import('./notifications.js') },
  { name: 'reconcile', summary: 'Plan (default) or apply one reconcile run at an instant.', load: () => import('./reconcile.js') },
  { name: 'runs', summary: 'Recent reconcile runs from the journal: status, duration, counts, what an interrupted run left; runs show N: its changes.', load: () => import('./runs.js') },
  { name: 'serve', summary: 'Controller mode: reconcile at start, every --interval and on change; serve health, metrics and the API.', load: () => import('./serve.js') },
  { name: 'simulate', summary: 'Apply a run at each simulated tick from --from to --to, one line per tick (never in production).', load: () => import('./simulate.js') },
  { name: 'snapshot', summary: 'Print branches, series, sessions and archived series, stably sorted (json for diffs).', load: () => import('./snapshot.js') },
  { name: 'unarchive', args: '<seriesId>', summary: 'Bring an archived series back (its sessions untouched), guarded like every write.', load: () => import('./unarchive.js') },
  { name: 'validate', summary: 'Check the SchedulingConfig documents (--config DIR); exit 0 valid, 2 invalid.', load: () => import('./validate.js') },
];
