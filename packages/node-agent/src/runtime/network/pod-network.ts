import type { Logger } from 'pino';
import type { PortMapping } from '../../cri/cri-types.js';
import { NodeAgentError } from '../../errors.js';
import type { NetworkCondition } from '../backend.js';
import type { SandboxRecord } from '../records.js';
import { addNetworkList, delNetworkList, type CniConfigList, type CniInvocation } from './cni-plugin.js';
import { createNetns, deleteNetns } from './netns.js';

/**
 * The node's pod network: each pod sandbox gets a network namespace joined to one Linux bridge by the Debian CNI
 * plugins: `loopback` for lo, then `bridge` with `host-local` IPAM on the node's pod CIDR for eth0, and `portmap`
 * when the pod asks for host ports. Pods on the node reach each other across the bridge; the bridge is the pods'
 * gateway, and with ipMasq their traffic to elsewhere is masqueraded.
 */
export interface PodNetworkOptions {
  pluginDir: string;
  /** Bridge device name (at most 15 characters). */
  bridge: string;
  /** The node's pod CIDR; without it the network is not ready until UpdateRuntimeConfig brings one. */
  podCidr?: string;
  ipMasq: boolean;
  /** host-local's allocation directory. */
  ipamDataDir: string;
  /** CNI network name. */
  name: string;
  mtu?: number;
  logger: Logger;
}

const CNI_VERSION = '1.0.0';

export class PodNetwork {
  private podCidr: string | undefined;
  /** The first ADD creates the bridge; concurrent first ADDs can race on its address, so the first runs alone. */
  private bridgeReady: Promise<void> | undefined;

  constructor(private readonly options: PodNetworkOptions) {
    this.podCidr = options.podCidr;
  }

  condition(): NetworkCondition {
    if (!this.podCidr) return { ready: false, reason: 'NoPodCIDR', message: 'no pod CIDR configured yet (pass --pod-cidr or send UpdateRuntimeConfig)' };
    return { ready: true };
  }

  setPodCidr(cidr: string): void {
    if (this.podCidr && this.podCidr !== cidr) {
      this.options.logger.warn({ current: this.podCidr, requested: cidr }, 'pod CIDR change ignored: pods already use the current one');
      return;
    }
    this.podCidr = cidr;
  }

  private mainList(withPortmap: boolean): CniConfigList {
    const bridge: Record<string, unknown> = {
      type: 'bridge',
      bridge: this.options.bridge,
      isGateway: true,
      ipMasq: this.options.ipMasq,
      hairpinMode: true,
      ...(this.options.mtu ? { mtu: this.options.mtu } : {}),
      ipam: {
        type: 'host-local',
        ranges: [[{ subnet: this.podCidr }]],
        routes: [{ dst: '0.0.0.0/0' }],
        dataDir: this.options.ipamDataDir,
      },
    };
    const plugins = [bridge, ...(withPortmap ? [{ type: 'portmap', capabilities: { portMappings: true }, snat: true }] : [])];
    return { cniVersion: CNI_VERSION, name: this.options.name, plugins };
  }

  /** Creates the sandbox's namespace and attaches it; fills `sandbox.network` as it goes, so a failure can be undone. */
  async attach(sandbox: SandboxRecord): Promise<void> {
    const condition = this.condition();
    if (!condition.ready) throw new NodeAgentError('NetworkSetupFailed', `pod network not ready: ${condition.message}`);
    const name = `skiff-${sandbox.id.slice(0, 16)}`;
    const t0 = performance.now();
    sandbox.network.netnsName = name;
    sandbox.network.netnsPath = await createNetns(name);
    const netnsMs = performance.now() - t0;
    const hostPorts = sandbox.config.portMappings.filter((p) => p.hostPort > 0);
    const lo: CniConfigList = { cniVersion: CNI_VERSION, name: `${this.options.name}-lo`, plugins: [{ type: 'loopback' }] };
    const main = this.mainList(hostPorts.length > 0);
    const capabilityArgs = hostPorts.length > 0 ? { portMappings: hostPorts.map(portMapping) } : undefined;
    const inv = (ifname: string): CniInvocation => ({
      pluginDir: this.options.pluginDir,
      containerId: sandbox.id,
      netns: sandbox.network.netnsPath!,
      ifname,
      capabilityArgs,
      // IgnoreUnknown lets plugins that do not take the Kubernetes arguments accept them, as libcni sends them
      args: {
        IgnoreUnknown: '1',
        K8S_POD_NAMESPACE: sandbox.config.metadata?.namespace ?? '',
        K8S_POD_NAME: sandbox.config.metadata?.name ?? '',
        K8S_POD_INFRA_CONTAINER_ID: sandbox.id,
        K8S_POD_UID: sandbox.config.metadata?.uid ?? '',
      },
    });
    sandbox.network.attachments = [
      { ifname: 'lo', config: lo as unknown as Record<string, unknown> },
      { ifname: 'eth0', config: { ...main, capabilityArgs } as unknown as Record<string, unknown> },
    ];
    const addMain = async () => {
      const result = await addNetworkList(main, inv('eth0'));
      const ip = result?.ips?.[0]?.address?.split('/')[0];
      if (!ip) throw new NodeAgentError('NetworkSetupFailed', `CNI gave pod ${sandbox.id} no IP address (result: ${JSON.stringify(result)})`);
      sandbox.network.ip = ip;
    };
    const t1 = performance.now();
    const loopback = addNetworkList(lo, inv('lo'));
    if (!this.bridgeReady) {
      const first = addMain();
      this.bridgeReady = first.then(() => undefined, () => (this.bridgeReady = undefined));
      await Promise.all([first, loopback]);
    } else {
      await this.bridgeReady;
      await Promise.all([addMain(), loopback]);
    }
    this.options.logger.debug({ sandbox: sandbox.id, ip: sandbox.network.ip, netnsMs, cniMs: performance.now() - t1 }, 'pod network attached');
  }

  /** Detaches and deletes the namespace. Idempotent; attachments that failed to detach stay recorded for a retry. */
  async detach(sandbox: SandboxRecord): Promise<void> {
    const failures: string[] = [];
    for (const attachment of [...sandbox.network.attachments].reverse()) {
      const { capabilityArgs, ...list } = attachment.config as unknown as CniConfigList & { capabilityArgs?: Record<string, unknown> };
      try {
        await delNetworkList(list, {
          pluginDir: this.options.pluginDir,
          containerId: sandbox.id,
          netns: sandbox.network.netnsPath ?? '',
          ifname: attachment.ifname,
          capabilityArgs,
        });
        sandbox.network.attachments = sandbox.network.attachments.filter((a) => a !== attachment);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
    if (sandbox.network.netnsName) await deleteNetns(sandbox.network.netnsName);
    if (failures.length > 0) throw new NodeAgentError('NetworkSetupFailed', `releasing the network of pod sandbox ${sandbox.id} failed: ${failures.join('; ')}`);
    sandbox.network.netnsPath = undefined;
    sandbox.network.netnsName = undefined;
  }
}

function portMapping(p: PortMapping): Record<string, unknown> {
  return { hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol.toLowerCase(), ...(p.hostIp ? { hostIP: p.hostIp } : {}) };
}
