import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

// One line per command module; each module registers its own command(s).
export const commandModules: CommandModule[] = [];
