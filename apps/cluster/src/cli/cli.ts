/**
 * The `skiff` dispatcher: finds the command, runs it, and turns errors into what a person needs: usage errors
 * (exit 2) name the problem and point at --help; cluster errors (exit 1) say what failed and what to do.
 */
import { benchCommand } from '../commands/bench-command.js';
import { componentCommands } from '../commands/component-command.js';
import { fakeNodesCommand } from '../commands/fake-nodes-command.js';
import { imageCommand } from '../commands/image-command.js';
import { nodesCommand } from '../commands/nodes-command.js';
import { resetCommand } from '../commands/reset-command.js';
import { statusCommand } from '../commands/status-command.js';
import { upCommand } from '../commands/up-command.js';
import { isClusterError, isUsageError, UsageError } from '../errors.js';
import type { Command, CommandResult } from './command.js';

const clusterCommands: Command[] = [upCommand, statusCommand, resetCommand, imageCommand, nodesCommand, benchCommand, fakeNodesCommand];
export const COMMANDS: readonly Command[] = [...clusterCommands, ...componentCommands];

export function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  const row = (c: Command) => `  ${c.name.padEnd(width)}${c.summary}`;
  return [
    'Usage: skiff COMMAND [flags]',
    '',
    'Skiff: a small Kubernetes-compatible cluster. `pnpm dev` runs `skiff up`.',
    '',
    'Cluster commands:',
    ...clusterCommands.map(row),
    '',
    'Components, each as a process (the flags are the component\'s own):',
    ...componentCommands.map(row),
    '',
    'Run `skiff COMMAND --help` for a command\'s flags.',
    '',
  ].join('\n');
}

/** Runs the command line; resolves with the exit code, or 'serving' when a component keeps the process alive. */
export async function runCli(argv: readonly string[]): Promise<CommandResult> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(topLevelHelp());
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      throw new UsageError('skiff', name.startsWith('-') ? `unknown flag ${name} (flags go after the command)` : `unknown command "${name}"`);
    }
    return await command.run([...rest]);
  } catch (e) {
    if (isUsageError(e)) {
      process.stderr.write(`${e.command}: ${e.message}\nRun '${e.command} --help' for usage.\n`);
      return 2;
    }
    if (isClusterError(e)) {
      process.stderr.write(`skiff: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
