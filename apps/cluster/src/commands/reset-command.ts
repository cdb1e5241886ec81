/**
 * `skiff reset`: wipes the cluster in the data dir (objects, node state, logs) and whatever a crashed run left on
 * the host. Refuses while the cluster runs.
 */
import { existsSync } from 'node:fs';
import { commandLine, type Command, type CommandResult } from '../cli/command.js';
import { flag } from '../cli/flags.js';
import { directory } from '../cli/values.js';
import { defaultDataDir } from '../cluster/data-dir.js';
import { UsageError } from '../errors.js';
import { consoleReporter } from '../supervisor/reporter.js';

const spec = {
  dataDir: flag('DIR', 'the cluster\'s data dir', directory, '.skiff/ at the repository root'),
};

const help = {
  usage: 'skiff reset [flags]',
  description:
    'Deletes the cluster in the data dir: its objects, node state and logs, and, if a run crashed, its pods,\n' +
    'containers, network namespaces, interfaces, routes, iptables rules, cgroups and mounts. The next `skiff up`\n' +
    'creates a new cluster. Refuses while the cluster is running.',
};

export const resetCommand: Command = {
  name: 'reset',
  summary: 'wipe the cluster\'s state (and leftovers of a crashed run)',
  async run(argv): Promise<CommandResult> {
    const cl = commandLine('skiff reset', spec, help, argv);
    if (!cl) return 0;
    if (cl.positionals.length) throw new UsageError('skiff reset', `unexpected argument "${cl.positionals[0]}"`);
    const dataDir = cl.flags.dataDir ?? defaultDataDir();
    if (!existsSync(dataDir)) {
      process.stdout.write(`skiff: nothing to reset: ${dataDir} does not exist\n`);
      return 0;
    }
    const { resetCluster } = await import('../reset/cluster-reset.js');
    const report = await resetCluster(dataDir, consoleReporter({ verbose: false }));
    for (const r of report.removed) process.stdout.write(`skiff: removed ${r}\n`);
    for (const p of report.problems) process.stderr.write(`skiff: ${p}\n`);
    return report.problems.length ? 1 : 0;
  },
};
