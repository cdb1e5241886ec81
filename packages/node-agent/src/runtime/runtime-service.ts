import type { Logger } from 'pino';
import type { RuntimeServiceMethods } from '../cri/cri-services.js';
import type { PartialMessage } from '../cri/cri-types.js';
import type { ContainerStats } from '../cri/cri-stats-types.js';
import { NodeAgentError, invalid } from '../errors.js';
import type { ContainerBackend } from './backend.js';
import { nowNs } from './clock.js';
import type { ContainerManager } from './containers.js';
import { containerItem, containerStats, containerStatus, labelsMatch, sandboxItem, sandboxState, sandboxStatus } from './cri-views.js';
import type { SandboxRecord } from './records.js';
import type { SandboxManager } from './sandboxes.js';
import type { StartGate } from './start-gate.js';

/**
 * The RuntimeService RPCs over the sandbox and container managers. Anything about streaming (Exec, Attach,
 * PortForward) is answered with a URL of the runtime's own streaming server.
 */
export interface StreamingUrls {
  execUrl(request: RuntimeServiceMethods['exec'][0]): string;
  attachUrl(request: RuntimeServiceMethods['attach'][0]): string;
  portForwardUrl(request: RuntimeServiceMethods['portForward'][0]): string;
}

export interface RuntimeServiceDeps {
  sandboxes: SandboxManager;
  containers: ContainerManager;
  backend: ContainerBackend;
  streaming: StreamingUrls;
  /** Orders and bounds sandbox and container starts (start-gate.ts). */
  starts: StartGate;
  runtimeVersion: string;
  logger: Logger;
}

type Handlers = {
  [K in keyof RuntimeServiceMethods]: (request: RuntimeServiceMethods[K][0]) => Promise<PartialMessage<RuntimeServiceMethods[K][1]>>;
};

export const RUNTIME_NAME = 'skiff';

function sandboxAttributes(sandbox: SandboxRecord) {
  const { metadata, labels, annotations } = sandbox.config;
  return { id: sandbox.id, metadata, labels, annotations };
}
export const RUNTIME_API_VERSION = 'v1';

export function runtimeServiceHandlers(deps: RuntimeServiceDeps): Handlers {
  const { sandboxes, containers, backend, streaming, starts } = deps;
  const cpuSamples = new Map<string, { at: number; ns: number }>();

  const stopSandboxContainers = async (sandboxId: string) => {
    await Promise.all(containers.list().filter((c) => c.sandboxId === sandboxId).map((c) => containers.stop(c.id, 0)));
  };

  const statsFor = async (id: string): Promise<PartialMessage<ContainerStats>> => {
    const record = containers.get(id);
    const usage = await containers.stats(record.id);
    const stats = containerStats(record, usage);
    // usage_nano_cores needs two samples: CPU time used between them per wall-clock nanosecond
    const previous = cpuSamples.get(record.id);
    if (usage.cpuUsageNs !== undefined) {
      if (previous && usage.timestamp > previous.at) {
        const nanoCores = Math.max(0, Math.round(((usage.cpuUsageNs - previous.ns) / (usage.timestamp - previous.at)) * 1e9));
        stats.cpu = { ...stats.cpu, usageNanoCores: { value: nanoCores } };
      }
      cpuSamples.set(record.id, { at: usage.timestamp, ns: usage.cpuUsageNs });
    }
    return stats;
  };

  return {
    async version() {
      return { version: '0.1.0', runtimeName: RUNTIME_NAME, runtimeVersion: deps.runtimeVersion, runtimeApiVersion: RUNTIME_API_VERSION };
    },

    async status(request) {
      const network = backend.networkCondition();
      return {
        status: {
          conditions: [
            { type: 'RuntimeReady', status: true, reason: '', message: backend.isolated ? '' : 'process backend: containers are not isolated' },
            { type: 'NetworkReady', status: network.ready, reason: network.reason ?? '', message: network.message ?? '' },
          ],
        },
        info: request.verbose ? { config: JSON.stringify({ backend: backend.name, backendVersion: backend.version, isolated: backend.isolated }) } : {},
        runtimeHandlers: [{ name: '', features: { recursiveReadOnlyMounts: false, userNamespaces: false } }],
        features: { supplementalGroupsPolicy: true },
      };
    },

    async runtimeConfig() {
      return { linux: { cgroupDriver: 'CGROUPFS' } };
    },

    async updateRuntimeConfig(request) {
      const cidr = request.runtimeConfig?.networkConfig?.podCidr;
      if (cidr) backend.setPodCidr(cidr.split(',')[0].trim());
      return {};
    },

    async runPodSandbox(request) {
      if (!request.config) throw invalid('RunPodSandbox needs a config');
      const config = request.config;
      const record = await starts.run('run-sandbox', () => sandboxes.run(config, request.runtimeHandler));
      return { podSandboxId: record.id };
    },

    async stopPodSandbox(request) {
      const record = sandboxes.find(request.podSandboxId);
      if (!record) return {};
      await stopSandboxContainers(record.id);
      await sandboxes.stop(record.id);
      return {};
    },

    async removePodSandbox(request) {
      const record = sandboxes.find(request.podSandboxId);
      if (!record) return {};
      for (const c of containers.list().filter((c) => c.sandboxId === record.id)) await containers.remove(c.id);
      await sandboxes.remove(record.id);
      return {};
    },

    async podSandboxStatus(request) {
      const record = sandboxes.get(request.podSandboxId);
      return {
        status: sandboxStatus(record),
        info: request.verbose ? { info: JSON.stringify({ netns: record.network.netnsPath ?? '', backend: record.backend, dir: record.dir }) } : {},
        containersStatuses: [],
        timestamp: nowNs(),
      };
    },

    async listPodSandbox(request) {
      const f = request.filter;
      const items = sandboxes
        .list()
        .filter((s) => !f?.id || s.id === f.id || s.id.startsWith(f.id))
        .filter((s) => !f?.state || sandboxState(s) === f.state.state)
        .filter((s) => labelsMatch(s.config.labels, f?.labelSelector));
      return { items: items.map(sandboxItem) };
    },

    async createContainer(request) {
      if (!request.config) throw invalid('CreateContainer needs a config');
      const sandbox = sandboxes.get(request.podSandboxId);
      const config = request.config;
      const record = await starts.run('create-container', () => containers.create(sandbox, config));
      return { containerId: record.id };
    },

    async startContainer(request) {
      await starts.run('start-container', () => containers.start(request.containerId));
      return {};
    },

    async stopContainer(request) {
      await containers.stop(request.containerId, request.timeout);
      return {};
    },

    async removeContainer(request) {
      await containers.remove(request.containerId);
      return {};
    },

    async listContainers(request) {
      const f = request.filter;
      const items = containers
        .list()
        .filter((c) => !f?.id || c.id === f.id || c.id.startsWith(f.id))
        .filter((c) => !f?.podSandboxId || c.sandboxId === f.podSandboxId || c.sandboxId.startsWith(f.podSandboxId))
        .filter((c) => {
          containers.refresh(c);
          return !f?.state || containerItem(c).state === f.state.state;
        })
        .filter((c) => labelsMatch(c.config.labels, f?.labelSelector));
      return { containers: items.map(containerItem) };
    },

    async containerStatus(request) {
      const record = containers.get(request.containerId);
      containers.refresh(record);
      return {
        status: containerStatus(record),
        info: request.verbose ? { info: JSON.stringify({ pid: record.pid, sandboxID: record.sandboxId, backend: record.backend, ...record.backendState }) } : {},
      };
    },

    async updateContainerResources(request) {
      if (!request.linux) throw invalid('UpdateContainerResources needs linux resources');
      await containers.updateResources(request.containerId, request.linux);
      return {};
    },

    async reopenContainerLog(request) {
      await containers.reopenLog(request.containerId);
      return {};
    },

    async execSync(request) {
      if (request.cmd.length === 0) throw invalid('ExecSync needs a command');
      return containers.execSync(request.containerId, request.cmd, request.timeout);
    },

    async exec(request) {
      if (!request.stdin && !request.stdout && !request.stderr) throw invalid('Exec needs at least one of stdin, stdout and stderr');
      if (request.tty && request.stderr) throw invalid('Exec with tty cannot stream stderr separately');
      if (request.cmd.length === 0) throw invalid('Exec needs a command');
      containers.running(request.containerId);
      return { url: streaming.execUrl(request) };
    },

    async attach(request) {
      const { record } = containers.io(request.containerId);
      if (request.tty !== record.config.tty) throw invalid(`Attach tty=${request.tty} does not match the container's tty=${record.config.tty}`);
      return { url: streaming.attachUrl(request) };
    },

    async portForward(request) {
      const sandbox = sandboxes.get(request.podSandboxId);
      if (sandbox.phase !== 'ready') throw new NodeAgentError('SandboxNotReady', `pod sandbox ${sandbox.id} is not ready`);
      return { url: streaming.portForwardUrl(request) };
    },

    async containerStats(request) {
      return { stats: await statsFor(request.containerId) };
    },

    async listContainerStats(request) {
      const f = request.filter;
      const running = containers
        .list()
        .filter((c) => c.phase === 'running')
        .filter((c) => !f?.id || c.id === f.id)
        .filter((c) => !f?.podSandboxId || c.sandboxId === f.podSandboxId)
        .filter((c) => labelsMatch(c.config.labels, f?.labelSelector));
      return { stats: await Promise.all(running.map((c) => statsFor(c.id))) };
    },

    async podSandboxStats(request) {
      const sandbox = sandboxes.get(request.podSandboxId);
      const stats = await Promise.all(containers.list().filter((c) => c.sandboxId === sandbox.id && c.phase === 'running').map((c) => statsFor(c.id)));
      return { stats: { attributes: sandboxAttributes(sandbox), linux: { containers: stats } } };
    },

    async listPodSandboxStats(request) {
      const f = request.filter;
      const out = [];
      for (const sandbox of sandboxes.list().filter((s) => (!f?.id || s.id === f.id) && labelsMatch(s.config.labels, f?.labelSelector))) {
        const stats = await Promise.all(containers.list().filter((c) => c.sandboxId === sandbox.id && c.phase === 'running').map((c) => statsFor(c.id)));
        out.push({ attributes: sandboxAttributes(sandbox), linux: { containers: stats } });
      }
      return { stats: out };
    },

    async checkpointContainer() {
      throw new NodeAgentError('Unsupported', 'CheckpointContainer is not supported by the Skiff runtime');
    },

    async listMetricDescriptors() {
      return { descriptors: [] };
    },

    async listPodSandboxMetrics() {
      return { podMetrics: [] };
    },
  };
}
