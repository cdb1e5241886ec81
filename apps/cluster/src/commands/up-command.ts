/**
 * `skiff up` (what `pnpm dev` runs): the whole cluster in the foreground. See up/cluster-runner.ts.
 */
import { commandLine, type Command, type CommandResult } from '../cli/command.js';
import { defaultDataDir } from '../cluster/data-dir.js';
import { UsageError } from '../errors.js';
import { consoleReporter } from '../supervisor/reporter.js';
import { upFlags, upOptionsFrom } from '../up/up-options.js';

const help = {
  usage: 'skiff up [flags]',
  description:
    'Runs a cluster in the foreground: the store, the API server, the controller manager and scheduler, and N nodes\n' +
    '(node agent, CRI runtime and proxy each), every one a separate process talking only through the API server.\n' +
    'As root each node is a network namespace with its own address on a cluster bridge; pods reach pods on other\n' +
    'nodes. Prints `export KUBECONFIG=...`, then `Cluster ready` once every node is Ready. Ctrl-C stops it all and\n' +
    'keeps the state: the next `skiff up` resumes the same cluster; `skiff reset` wipes it.',
  examples: [
    'skiff up                                  # 2 nodes, state in .skiff/',
    'skiff up --nodes 3 --fake-nodes 100       # 3 real nodes and 100 simulated ones',
    'skiff up --store etcd --etcd-endpoints http://127.0.0.1:2379',
  ],
};

export const upCommand: Command = {
  name: 'up',
  summary: 'run a whole cluster in the foreground (what `pnpm dev` runs)',
  async run(argv): Promise<CommandResult> {
    const cl = commandLine('skiff up', upFlags, help, argv);
    if (!cl) return 0;
    if (cl.positionals.length) throw new UsageError('skiff up', `unexpected argument "${cl.positionals[0]}"`);
    const options = upOptionsFrom(cl.flags, defaultDataDir);
    // Loaded on use: help and flag errors stay instant and need none of the components' packages.
    const { runCluster } = await import('../up/cluster-runner.js');
    return runCluster(options, consoleReporter({ verbose: options.verbose }));
  },
};
