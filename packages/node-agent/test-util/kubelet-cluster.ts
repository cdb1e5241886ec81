/**
 * A one-node cluster for kubelet tests, all real: a live API server on 127.0.0.1 port 0, Skiff's CRI runtime
 * (runc, CNI bridge, cgroups) in-process on a private root, and a node agent on its own port, root and cgroup
 * parent. `cleanup()` removes everything even after a failure: pods' containers, sandboxes, network namespaces,
 * the bridge, tmpfs volume mounts, pod cgroups, directories, and the API server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer, type ApiServer } from '@skiff/apiserver';
import { Client } from '@skiff/client';
import { kubectlFor, type Kubectl } from '@skiff/test-util';
import { startNodeAgent, type NodeAgent } from '../src/kubelet/node-agent.js';
import type { NodeAgentOptions } from '../src/kubelet/node-agent-options.js';
import { removePodCgroup } from '../src/kubelet/pods/pod-cgroup.js';
import { unmountAll } from '../src/kubelet/volumes/mounts.js';
import { createLogger, silentLogger } from '../src/logger.js';
import type { CriRuntimeOptions } from '../src/runtime/cri-runtime.js';
import { startRuntimeFixture, type RuntimeFixture } from './runtime-fixture.js';

export interface KubeletCluster {
  server: ApiServer;
  runtime: RuntimeFixture;
  agent: NodeAgent;
  client: Client;
  kubectl: Kubectl;
  nodeName: string;
  agentRoot: string;
  /** Stops the agent (containers keep running) and starts a new one with the same options. */
  restartAgent(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Test periods: fast back-offs and resyncs so lifecycle tests finish in seconds (never asserted on). */
export const FAST: Partial<NodeAgentOptions> = {
  crashLoopBackoff: { initialMs: 1000, maxMs: 4000 },
  imagePullBackoff: { initialMs: 1000, maxMs: 4000 },
  nodeStatusUpdateMs: 2000,
  leaseRenewMs: 2000,
  resourceSampleMs: 1000,
  relistMs: 500,
  resyncMs: 2000,
};

export async function startKubeletCluster(
  opts: { agent?: Partial<NodeAgentOptions>; runtime?: Partial<CriRuntimeOptions> } = {},
): Promise<KubeletCluster> {
  const tag = randomBytes(3).toString('hex');
  const nodeName = `node-${tag}`;
  const agentRoot = mkdtempSync(join(tmpdir(), `skiff-kubelet-${tag}-`));
  const logger = process.env.SKIFF_TEST_LOG ? createLogger({ level: process.env.SKIFF_TEST_LOG }) : silentLogger();
  let server: ApiServer | undefined;
  let runtime: RuntimeFixture | undefined;
  let agent: NodeAgent | undefined;
  let kubectl: Kubectl | undefined;
  let client: Client | undefined;
  let agentOptions: NodeAgentOptions | undefined;

  const cleanup = async () => {
    await agent?.close().catch(() => undefined);
    client?.close();
    await kubectl?.cleanup().catch(() => undefined);
    await runtime?.cleanup().catch(() => undefined);
    await unmountAll(agentRoot).catch(() => undefined);
    rmSync(agentRoot, { recursive: true, force: true });
    if (runtime) removePodCgroup(runtime.cgroupParent);
    await server?.close().catch(() => undefined);
  };

  try {
    server = await createApiServer({ port: 0, host: '127.0.0.1', logger: process.env.SKIFF_TEST_LOG ? 'warn' : 'silent' });
    runtime = await startRuntimeFixture({ logger, ...opts.runtime });
    client = new Client({ server: server.url, qps: 0 });
    kubectl = await kubectlFor(server.url);
    agentOptions = {
      nodeName,
      cluster: { server: server.url, namespace: 'default' },
      criSocket: runtime.runtime.socketPath,
      root: agentRoot,
      port: 0,
      address: '127.0.0.1',
      nodeIP: '127.0.0.1',
      podCidr: runtime.podCidr,
      cgroupParent: `${runtime.cgroupParent}/pods`,
      capacity: { cpu: '2', memory: '4Gi', pods: 110 },
      logger,
      ...FAST,
      ...opts.agent,
    };
    agent = await startNodeAgent(agentOptions);
  } catch (err) {
    await cleanup();
    throw err;
  }
  const cluster: KubeletCluster = {
    server,
    runtime,
    agent,
    client,
    kubectl,
    nodeName,
    agentRoot,
    async restartAgent() {
      await cluster.agent.close();
      cluster.agent = agent = await startNodeAgent(agentOptions!);
    },
    cleanup,
  };
  return cluster;
}
