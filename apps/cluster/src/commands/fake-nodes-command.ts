/**
 * `skiff fake-nodes`: the simulated nodes as a process (what `skiff up --fake-nodes N` starts).
 */
import { pino } from 'pino';
import { commandLine, type Command, type CommandResult } from '../cli/command.js';
import { flag } from '../cli/flags.js';
import { cidr, existingText, logLevel, wholeNumber } from '../cli/values.js';
import { fakeNodeName } from '../cluster/topology.js';
import { UsageError } from '../errors.js';
import { formatCidr } from '../network/cidr.js';

const spec = {
  count: flag('N', 'how many fake nodes (named skiff-fake-1 .. skiff-fake-N)', wholeNumber(1, 100_000)),
  kubeconfig: flag('FILE', 'kubeconfig of the cluster', existingText('a kubeconfig file'), '$KUBECONFIG'),
  cidr: flag('CIDR', 'network the fake nodes and their pods take addresses from', cidr(8, 30), '10.244.128.0/17'),
  qps: flag('N', 'requests per second to the API server', wholeNumber(1, 100_000), '200'),
  logLevel: flag('LEVEL', 'trace, debug, info, warn, error or silent', logLevel, 'info'),
};

const help = {
  usage: 'skiff fake-nodes --count N [flags]',
  description:
    'Runs N simulated nodes in this process (like kwok): Node objects kept Ready through leases, and pods bound to\n' +
    'them shown Running (with an IP, every container ready) without starting any container. For scale tests.',
  examples: ['skiff fake-nodes --count 500 --kubeconfig .skiff/kubeconfig'],
};

export const fakeNodesCommand: Command = {
  name: 'fake-nodes',
  summary: 'run simulated nodes (kwok-like) for scale tests',
  async run(argv): Promise<CommandResult> {
    const cl = commandLine('skiff fake-nodes', spec, help, argv);
    if (!cl) return 0;
    const f = cl.flags;
    if (f.count === undefined) throw new UsageError('skiff fake-nodes', '--count is required');
    if (cl.positionals.length) throw new UsageError('skiff fake-nodes', `unexpected argument "${cl.positionals[0]}"`);
    const { createClient, loadKubeconfig } = await import('@skiff/client');
    const { FakeNodePool } = await import('../fake-nodes/fake-node-pool.js');
    const logger = pino({ name: 'skiff-fake-nodes', level: f.logLevel ?? 'info' }, pino.destination(2));
    const client = createClient(loadKubeconfig({ path: f.kubeconfig }), { qps: f.qps ?? 200, burst: (f.qps ?? 200) * 2, userAgent: 'skiff-fake-nodes' });
    const names = Array.from({ length: f.count }, (_, i) => fakeNodeName(i + 1));
    const range = f.cidr ?? cidr(8, 30)('10.244.128.0/17');
    const pool = new FakeNodePool({ client, names, cidr: range, logger });
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info({ signal }, 'stopping fake nodes');
      void pool.stop().then(() => {
        client.close();
        process.exit(0);
      });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    await pool.start();
    process.stdout.write(`skiff-fake-nodes ready: ${names.length} fake nodes (addresses from ${formatCidr(range)})\n`);
    return 'serving';
  },
};
