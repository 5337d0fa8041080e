import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import * as apply from './apply.js';
import * as demo from './demo.js';
import * as doctor from './doctor.js';
import * as env from './env.js';
import * as explain from './explain.js';
import * as load from './load.js';
import * as migrate from './migrate.js';
import * as reconcile from './reconcile.js';
import * as runs from './runs.js';
import * as serve from './serve.js';
import * as simulate from './simulate.js';
import * as snapshot from './snapshot.js';
import * as validate from './validate.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

// One line per command module; each module registers its own command(s).
export const commandModules: CommandModule[] = [apply, demo, doctor, env, explain, load, migrate, reconcile, runs, serve, simulate, snapshot, validate];
