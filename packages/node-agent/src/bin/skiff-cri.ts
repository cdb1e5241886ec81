#!/usr/bin/env node
// skiff-cri: Skiff's CRI runtime (runtime.v1 over gRPC on a unix socket). Stopping it (SIGTERM/SIGINT) leaves
// containers running; the next skiff-cri on the same --root adopts them.
import { parseArgs } from 'node:util';
import { createLogger } from '../logger.js';
import { startCriRuntime } from '../runtime/cri-runtime.js';
import { isNodeAgentError } from '../errors.js';

const usage = `usage: skiff-cri [options]
  --root DIR               state directory (default /var/lib/skiff/cri)
  --socket PATH            CRI socket (default <root>/skiff-cri.sock)
  --backend auto|runc|process
  --pod-cidr CIDR          pod network of this node, e.g. 10.88.0.0/24 (or sent later by UpdateRuntimeConfig)
  --bridge NAME            pod bridge (default skiff0)
  --no-ip-masq             do not masquerade pod traffic leaving the node
  --cni-bin-dir DIR        CNI plugins (default /usr/lib/cni)
  --runc PATH              runc binary (default: runc on PATH)
  --cgroup-parent PATH     cgroup parent for containers (default /skiff)
  --pids-limit N           pids.max per container (default: none)
  --parallel-starts N      sandbox and container starts run at once; more wait, pods begun first going first
                           (default: the number of CPUs)
  --streaming-address IP   address of the exec/attach/port-forward server (default 127.0.0.1)
  --streaming-port N       its port (default: any free port)
  --log-level LEVEL        pino level (default info)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string', default: '/var/lib/skiff/cri' },
      socket: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      'pod-cidr': { type: 'string' },
      bridge: { type: 'string' },
      'no-ip-masq': { type: 'boolean', default: false },
      'cni-bin-dir': { type: 'string' },
      runc: { type: 'string' },
      'cgroup-parent': { type: 'string' },
      'pids-limit': { type: 'string' },
      'parallel-starts': { type: 'string' },
      'streaming-address': { type: 'string' },
      'streaming-port': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (!['auto', 'runc', 'process'].includes(values.backend!)) throw new Error(`--backend must be auto, runc or process, not "${values.backend}"`);
  const parallelStarts = values['parallel-starts'] === undefined ? undefined : Number(values['parallel-starts']);
  if (parallelStarts !== undefined && !(Number.isInteger(parallelStarts) && parallelStarts >= 1)) {
    throw new Error(`--parallel-starts must be a whole number of at least 1, not "${values['parallel-starts']}"`);
  }
  const logger = createLogger({ name: 'skiff-cri', level: values['log-level'] });
  const runtime = await startCriRuntime({
    root: values.root!,
    socketPath: values.socket,
    backend: values.backend as 'auto' | 'runc' | 'process',
    podCidr: values['pod-cidr'],
    bridge: values.bridge,
    ipMasq: !values['no-ip-masq'],
    cniPluginDir: values['cni-bin-dir'],
    runcPath: values.runc,
    cgroupParent: values['cgroup-parent'],
    pidsLimit: values['pids-limit'] ? Number(values['pids-limit']) : undefined,
    parallelStarts,
    streamingAddress: values['streaming-address'],
    streamingPort: values['streaming-port'] ? Number(values['streaming-port']) : undefined,
    logger,
  });
  const stop = () => {
    logger.info('shutting down; containers keep running');
    void runtime.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(`skiff-cri: ${isNodeAgentError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err)}`);
  if (!isNodeAgentError(err)) console.error(usage);
  process.exit(1);
});
