/**
 * `skiff status`: whether the cluster in the data dir is running, and if so its API server, nodes and processes.
 * Exit code 0 when it runs, 3 when it is stopped or there is none (as `systemctl status` does).
 */
import { commandLine, type Command, type CommandResult } from '../cli/command.js';
import { flag, switchFlag } from '../cli/flags.js';
import { directory } from '../cli/values.js';
import { loadClusterState } from '../cluster/cluster-state.js';
import { dataDirLayout, defaultDataDir, runningOwner } from '../cluster/data-dir.js';
import { fetchStatus } from '../control/control-client.js';
import type { ClusterStatus } from '../control/control-server.js';
import { UsageError } from '../errors.js';

const spec = {
  dataDir: flag('DIR', 'the cluster\'s data dir', directory, '.skiff/ at the repository root'),
  json: switchFlag('print the running cluster\'s status as JSON'),
};

const help = { usage: 'skiff status [flags]', description: 'Says whether the cluster in the data dir is running, with its API server, nodes and processes.' };

const NOT_RUNNING = 3;

export const statusCommand: Command = {
  name: 'status',
  summary: 'show whether the cluster runs, its nodes and processes',
  async run(argv): Promise<CommandResult> {
    const cl = commandLine('skiff status', spec, help, argv);
    if (!cl) return 0;
    if (cl.positionals.length) throw new UsageError('skiff status', `unexpected argument "${cl.positionals[0]}"`);
    const dir = dataDirLayout(cl.flags.dataDir ?? defaultDataDir());
    const state = loadClusterState(dir.root);
    if (!state) {
      process.stdout.write(`no cluster in ${dir.root} (\`pnpm dev\` or \`skiff up\` creates one)\n`);
      return NOT_RUNNING;
    }
    const status = await fetchStatus(dir.controlSocket);
    if (!status) {
      const owner = runningOwner(dir);
      process.stdout.write(
        owner
          ? `cluster ${state.id}: starting (skiff pid ${owner}), data in ${dir.root}\n`
          : `cluster ${state.id}: stopped, ${state.nodes} node(s)${state.fakeNodes ? ` + ${state.fakeNodes} fake` : ''}; data in ${dir.root} (\`pnpm dev\` resumes it)\n`,
      );
      return owner ? 0 : NOT_RUNNING;
    }
    process.stdout.write(cl.flags.json ? `${JSON.stringify(status, null, 2)}\n` : render(status));
    return 0;
  },
};

function render(s: ClusterStatus): string {
  const lines = [
    `cluster ${s.id}: running (skiff pid ${s.pid}), ${s.ready ? 'all nodes Ready' : 'not every node is Ready'}; data in ${s.dataDir}`,
    `  API server  ${s.apiUrl}   (export KUBECONFIG=${s.dataDir}/kubeconfig)`,
    `  store       ${s.storeUrls.length ? s.storeUrls.join(', ') : 'embedded in the API server'}`,
    `  network     ${s.network}`,
    '',
    table([['NODE', 'READY', 'ADDRESS', 'POD CIDR'], ...s.nodes.map((n) => [n.name, n.ready ? 'True' : 'False', n.address, n.podCidr ?? '-'])]),
  ];
  if (s.fakeNodes) lines.push(`  + ${s.fakeNodes} fake node(s) (skiff-fake-1 .. skiff-fake-${s.fakeNodes})`);
  lines.push('', table([['PROCESS', 'PID', 'STATE'], ...s.processes.map((p) => [p.name, String(p.pid ?? '-'), p.running ? 'running' : 'exited'])]));
  if (s.notRunning.length) lines.push('', `not part of the cluster yet: ${s.notRunning.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd()).join('\n');
}
