/**
 * The shape every `skiff` command has. A command resolves with its exit code, or with 'serving' when it started
 * something that keeps the process alive (a component) and will exit on its own.
 */
import { formatFlags, parseCommandLine, type CommandLine, type FlagSpec } from './flags.js';

export type CommandResult = number | 'serving';

export interface Command {
  readonly name: string;
  readonly summary: string;
  run(argv: string[]): Promise<CommandResult>;
}

export interface HelpText {
  /** e.g. "skiff up [flags]" */
  usage: string;
  description: string;
  examples?: string[];
}

export function renderHelp(help: HelpText, spec: FlagSpec): string {
  const parts = [`Usage: ${help.usage}`, '', help.description, '', 'Flags:', formatFlags(spec)];
  if (help.examples?.length) parts.push('', 'Examples:', ...help.examples.map((e) => `  ${e}`));
  return `${parts.join('\n')}\n`;
}

/**
 * Parses argv for a command that takes `spec`; prints help and returns undefined when --help was asked for.
 * Usage errors propagate to the dispatcher, which prints them and exits 2.
 */
export function commandLine<S extends FlagSpec>(command: string, spec: S, help: HelpText, argv: readonly string[]): CommandLine<S> | undefined {
  const parsed = parseCommandLine(command, spec, argv);
  if (parsed.help) {
    process.stdout.write(renderHelp(help, spec));
    return undefined;
  }
  return parsed;
}
