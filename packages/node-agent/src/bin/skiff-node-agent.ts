#!/usr/bin/env node
// skiff-node-agent: the kubelet. Registers the node with the API server, runs the pods bound to it through a CRI
// runtime (skiff-cri or containerd), and serves the kubelet API. Stopping it (SIGTERM/SIGINT) leaves containers
// running; the next agent for the same node adopts them.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isNodeAgentError } from '../errors.js';
import { parseGoDuration } from '../kubelet/eviction/go-duration.js';
import { startNodeAgent } from '../kubelet/node-agent.js';
import { createLogger } from '../logger.js';

const usage = `usage: skiff-node-agent --node-name NAME --kubeconfig FILE --cri-socket PATH [options]
  --root DIR                 pod volumes and state (default /var/lib/skiff/node-agent/<node>)
  --pod-logs-dir DIR         container logs (default <root>/pod-logs)
  --address IP               kubelet API listen address (default 0.0.0.0)
  --port N                   kubelet API port (default 10250; 0 picks one)
  --node-ip IP               the node's InternalIP (default: first non-loopback IPv4)
  --pod-cidr CIDR            pod CIDR when the node lifecycle controller assigns none
  --cpu Q --memory Q --ephemeral-storage Q --max-pods N    capacity (default: the machine's; 110 pods)
  --system-reserved k=v,...  subtracted from capacity for allocatable (cpu=100m,memory=256Mi)
  --node-labels k=v,...      extra node labels
  --cluster-dns IP,...       nameservers for ClusterFirst pods; --cluster-domain D (default cluster.local)
  --cgroup-parent PATH       parent of the pod cgroups (default /skiff/<node>)
  --pod-max-pids N           pids.max of each pod
  --eviction-hard LIST       hard eviction thresholds, e.g. memory.available<500Mi,nodefs.available<10%
                             (default memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,
                             imagefs.available<15%,imagefs.inodesFree<5%; giving any replaces them all)
  --eviction-soft LIST       soft eviction thresholds, same syntax; each needs a grace period:
  --eviction-soft-grace-period LIST   e.g. memory.available=1m30s
  --eviction-minimum-reclaim LIST     how far past a threshold to reclaim once it is met,
                             e.g. memory.available=0Mi,nodefs.available=500Mi (default none)
  --eviction-max-pod-grace-period N   seconds a soft eviction gives a pod to stop (default 0)
  --eviction-pressure-transition-period D   how long pressure conditions stay after recovery (default 5m)
  --pod-manifest-path DIR    run the Pod manifests in DIR as static pods (mirrored in the API server)
  --file-check-frequency D   how often DIR is reread besides on changes (default 20s)
  --tls-cert FILE --tls-key FILE   serve the kubelet API over HTTPS
  --log-level LEVEL          pino level (default info)`;

function pairs(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (s ?? '').split(',').filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new Error(`expected key=value, got "${part}"`);
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

function num(s: string | undefined, flag: string): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, not "${s}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'node-name': { type: 'string' },
      kubeconfig: { type: 'string' },
      'cri-socket': { type: 'string' },
      root: { type: 'string' },
      'pod-logs-dir': { type: 'string' },
      address: { type: 'string' },
      port: { type: 'string' },
      'node-ip': { type: 'string' },
      'pod-cidr': { type: 'string' },
      cpu: { type: 'string' },
      memory: { type: 'string' },
      'ephemeral-storage': { type: 'string' },
      'max-pods': { type: 'string' },
      'system-reserved': { type: 'string' },
      'node-labels': { type: 'string' },
      'cluster-dns': { type: 'string' },
      'cluster-domain': { type: 'string' },
      'cgroup-parent': { type: 'string' },
      'pod-max-pids': { type: 'string' },
      'eviction-hard': { type: 'string' },
      'eviction-soft': { type: 'string' },
      'eviction-soft-grace-period': { type: 'string' },
      'eviction-minimum-reclaim': { type: 'string' },
      'eviction-max-pod-grace-period': { type: 'string' },
      'eviction-pressure-transition-period': { type: 'string' },
      'pod-manifest-path': { type: 'string' },
      'file-check-frequency': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  for (const required of ['node-name', 'kubeconfig', 'cri-socket'] as const) if (!values[required]) throw new Error(`--${required} is required`);
  if (!!values['tls-cert'] !== !!values['tls-key']) throw new Error('--tls-cert and --tls-key go together');
  const logger = createLogger({ name: 'skiff-node-agent', level: values['log-level'] });
  const agent = await startNodeAgent({
    nodeName: values['node-name']!,
    kubeconfig: values.kubeconfig,
    criSocket: values['cri-socket']!,
    root: values.root,
    podLogsDir: values['pod-logs-dir'],
    address: values.address,
    port: num(values.port, '--port'),
    nodeIP: values['node-ip'],
    podCidr: values['pod-cidr'],
    capacity: { cpu: values.cpu, memory: values.memory, ephemeralStorage: values['ephemeral-storage'], pods: num(values['max-pods'], '--max-pods') },
    systemReserved: pairs(values['system-reserved']),
    labels: pairs(values['node-labels']),
    clusterDns: values['cluster-dns']?.split(',').filter(Boolean),
    clusterDomain: values['cluster-domain'],
    cgroupParent: values['cgroup-parent'],
    podPidsLimit: num(values['pod-max-pids'], '--pod-max-pids'),
    eviction: {
      hard: values['eviction-hard'],
      soft: values['eviction-soft'],
      softGracePeriod: values['eviction-soft-grace-period'],
      minimumReclaim: values['eviction-minimum-reclaim'],
      maxPodGracePeriodSeconds: num(values['eviction-max-pod-grace-period'], '--eviction-max-pod-grace-period'),
      pressureTransitionPeriodMs:
        values['eviction-pressure-transition-period'] === undefined ? undefined : parseGoDuration(values['eviction-pressure-transition-period'], '--eviction-pressure-transition-period'),
    },
    staticPodPath: values['pod-manifest-path'],
    fileCheckFrequencyMs: values['file-check-frequency'] === undefined ? undefined : parseGoDuration(values['file-check-frequency'], '--file-check-frequency'),
    tls: values['tls-cert'] ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) } : undefined,
    logger,
  });
  const stop = () => {
    logger.info('shutting down; containers keep running');
    void agent.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(`skiff-node-agent: ${isNodeAgentError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err)}`);
  if (!isNodeAgentError(err)) console.error(usage);
  process.exit(1);
});
