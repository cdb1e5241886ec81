import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { flag, formatFlags, parseCommandLine, switchFlag } from './flags.js';
import { wholeNumber } from './values.js';

const spec = {
  nodes: flag('N', 'how many nodes', wholeNumber(0, 10), '2'),
  dataDir: flag('DIR', 'where state goes', (s) => s),
  verbose: switchFlag('say more'),
};

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine('skiff up', spec, argv);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`parsing ${argv.join(' ')} did not fail`);
}

describe('parseCommandLine', () => {
  it.each([
    [['--nodes', '3'], 3],
    [['--nodes=4'], 4],
  ])('reads a value given as %j', (argv, nodes) => {
    expect(parseCommandLine('skiff up', spec, argv).flags.nodes).toBe(nodes);
  });

  it('turns camelCase keys into kebab-case flags', () => {
    expect(parseCommandLine('skiff up', spec, ['--data-dir', '/x']).flags.dataDir).toBe('/x');
  });

  it('treats a switch as true when present and accepts an explicit false', () => {
    expect(parseCommandLine('skiff up', spec, ['--verbose']).flags.verbose).toBe(true);
    expect(parseCommandLine('skiff up', spec, ['--verbose=false']).flags.verbose).toBe(false);
    expect(parseCommandLine('skiff up', spec, []).flags.verbose).toBeUndefined();
  });

  it('keeps positionals, and everything after -- as positionals', () => {
    const cl = parseCommandLine('skiff up', spec, ['a', '--nodes', '1', '--', '--verbose', 'b']);
    expect(cl.positionals).toEqual(['a', '--verbose', 'b']);
    expect(cl.flags.verbose).toBeUndefined();
  });

  it('notices --help and -h anywhere', () => {
    expect(parseCommandLine('skiff up', spec, ['--nodes', '1', '-h']).help).toBe(true);
    expect(parseCommandLine('skiff up', spec, ['--help']).help).toBe(true);
  });

  it('names an unknown flag and suggests the close one', () => {
    const e = usageError(['--node', '3']);
    expect(e.message).toBe('unknown flag --node (did you mean --nodes?)');
    expect(e.command).toBe('skiff up');
  });

  it('says which flag lacks its value, also when the next word is another flag', () => {
    expect(usageError(['--nodes']).message).toBe('--nodes needs a value (N)');
    expect(usageError(['--nodes', '--verbose']).message).toBe('--nodes needs a value (N)');
  });

  it('puts the flag name in front of a bad value', () => {
    expect(usageError(['--nodes', 'many']).message).toBe('--nodes: "many" is not a whole number (0-10)');
    expect(usageError(['--nodes', '11']).message).toBe('--nodes: 11 is out of range (0-10)');
    expect(usageError(['--verbose=maybe']).message).toBe('--verbose: "maybe" is not true or false');
  });

  it('refuses a flag given twice', () => {
    expect(usageError(['--nodes', '1', '--nodes=2']).message).toBe('--nodes is given twice');
  });
});

describe('formatFlags', () => {
  it('lists every flag with its metavar, help and default, plus --help', () => {
    const text = formatFlags(spec);
    expect(text).toMatch(/--nodes N\s+how many nodes \(default 2\)/);
    expect(text).toMatch(/--data-dir DIR\s+where state goes$/m);
    expect(text).toMatch(/--verbose\s+say more/);
    expect(text).toMatch(/-h, --help\s+show this help/);
  });
});
