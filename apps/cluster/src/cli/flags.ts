/**
 * Declarative command-line flags: each command states its flags once, and that statement both parses argv and
 * prints --help, so the two never drift apart.
 *
 * Accepted forms: `--name value`, `--name=value`, and `--name` alone for switches (`--name=true|false` too).
 * `--` ends the flags; what follows is positional. Every mistake is a UsageError naming the flag and the value.
 */
import { UsageError } from '../errors.js';

export interface FlagDef<T> {
  /** Shown in help as `--name METAVAR`; absent for switches. */
  readonly metavar?: string;
  readonly help: string;
  /** Turns the raw text into a value, or says what is wrong with it (the caller prefixes the flag's name). */
  readonly parse: (raw: string) => T;
  readonly isSwitch: boolean;
  /** Shown in help; the parsed value stays undefined when the flag is absent. */
  readonly defaultText?: string;
}

export type FlagSpec = Record<string, FlagDef<unknown>>;
export type FlagValues<S extends FlagSpec> = { [K in keyof S]?: S[K] extends FlagDef<infer T> ? T : never };

export interface CommandLine<S extends FlagSpec> {
  flags: FlagValues<S>;
  positionals: string[];
  help: boolean;
}

/** A flag that takes a value. */
export function flag<T>(metavar: string, help: string, parse: (raw: string) => T, defaultText?: string): FlagDef<T> {
  return { metavar, help, parse, isSwitch: false, defaultText };
}

/** A flag that is on when present. */
export function switchFlag(help: string): FlagDef<boolean> {
  return {
    help,
    isSwitch: true,
    parse: (raw) => {
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new Error(`"${raw}" is not true or false`);
    },
  };
}

/** `nodes` -> `--nodes`; camelCase keys become kebab-case flags (`dataDir` -> `--data-dir`). */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function parseCommandLine<S extends FlagSpec>(command: string, spec: S, argv: readonly string[]): CommandLine<S> {
  const byName = new Map<string, string>();
  for (const key of Object.keys(spec)) byName.set(flagName(key), key);
  const flags: Record<string, unknown> = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const key = byName.get(name);
    if (key === undefined) throw new UsageError(command, `unknown flag ${name}${suggestion(name, [...byName.keys()])}`);
    const def = spec[key]!;
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (def.isSwitch) raw = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(command, `${name} needs a value (${def.metavar})`);
      raw = next;
      i++;
    }
    if (key in flags) throw new UsageError(command, `${name} is given twice`);
    try {
      flags[key] = def.parse(raw);
    } catch (e) {
      throw new UsageError(command, `${name}: ${(e as Error).message}`);
    }
  }
  return { flags: flags as FlagValues<S>, positionals, help };
}

/** The flags part of a command's help: one line per flag, aligned. */
export function formatFlags(spec: FlagSpec): string {
  const rows = Object.entries(spec).map(([key, def]) => {
    const left = `  ${flagName(key)}${def.metavar ? ` ${def.metavar}` : ''}`;
    const right = def.defaultText ? `${def.help} (default ${def.defaultText})` : def.help;
    return [left, right] as const;
  });
  rows.push(['  -h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => l.padEnd(width) + r).join('\n');
}

function suggestion(name: string, known: string[]): string {
  const close = known.find((k) => k.startsWith(name) || name.startsWith(k) || distance(k, name) <= 2);
  return close ? ` (did you mean ${close}?)` : '';
}

/** Levenshtein distance, for "did you mean" on short flag names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
