/**
 * `skiff nodes add [N]`: adds N real nodes to the running cluster (each with its node agent, CRI runtime and
 * proxy, as root in a network namespace of its own). The cluster remembers them: the next `skiff up` starts them too.
 */
import { commandLine, type Command, type CommandResult } from '../cli/command.js';
import { flag } from '../cli/flags.js';
import { directory, wholeNumber } from '../cli/values.js';
import { dataDirLayout, defaultDataDir } from '../cluster/data-dir.js';
import { fetchStatus, requestNodes } from '../control/control-client.js';
import { ClusterError, UsageError } from '../errors.js';

const spec = {
  dataDir: flag('DIR', 'the cluster\'s data dir', directory, '.skiff/ at the repository root'),
};

const help = {
  usage: 'skiff nodes add [N] [flags]',
  description: 'Adds N (default 1, at most 50) real nodes to the running cluster; they join it through the API server.',
  examples: ['skiff nodes add 2'],
};

export const nodesCommand: Command = {
  name: 'nodes',
  summary: 'nodes add [N]: add real nodes to the running cluster',
  async run(argv): Promise<CommandResult> {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      process.stdout.write('Usage: skiff nodes add [N] [flags]\n\nSubcommands:\n  add   add real nodes to the running cluster (skiff nodes add --help)\n');
      return sub === undefined ? 2 : 0;
    }
    if (sub !== 'add') throw new UsageError('skiff nodes', `unknown subcommand "${sub}" (there is: add)`);
    const cl = commandLine('skiff nodes add', spec, help, rest);
    if (!cl) return 0;
    if (cl.positionals.length > 1) throw new UsageError('skiff nodes add', `takes one count, not "${cl.positionals.join(' ')}"`);
    let count = 1;
    try {
      if (cl.positionals[0] !== undefined) count = wholeNumber(1, 50)(cl.positionals[0]);
    } catch (e) {
      throw new UsageError('skiff nodes add', `N: ${(e as Error).message}`);
    }
    const dir = dataDirLayout(cl.flags.dataDir ?? defaultDataDir());
    if (!(await fetchStatus(dir.controlSocket))) {
      throw new ClusterError('NotRunning', `no cluster is running from ${dir.root}: start it with \`pnpm dev\` (or \`skiff up --nodes N\`)`);
    }
    const added = await requestNodes(dir.controlSocket, count, 10 * 60_000);
    process.stdout.write(`skiff: started ${added.join(', ')}; \`kubectl get nodes\` shows them once they register\n`);
    return 0;
  },
};
