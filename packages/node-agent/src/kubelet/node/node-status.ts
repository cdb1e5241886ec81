/**
 * Registers the node and keeps its status current. Every `updateMs` (10 s) the status is computed again
 * (conditions, capacity, addresses, nodeInfo, images); it is written when anything but the heartbeat times
 * changed, or at least every `reportMs` (5 minutes), as the kubelet does now that the Lease carries liveness.
 * It also hands the node's pod CIDR to the runtime (UpdateRuntimeConfig) once it is known: configured, or set in
 * spec.podCIDR by the node lifecycle controller.
 */
import type { Node } from '@skiff/api';
import { isAlreadyExists, type Client, type ResourceClient } from '@skiff/client';
import type { Logger } from 'pino';
import type { CriClient } from '../../cri/cri-client.js';
import type { PressureCondition } from '../eviction/signals.js';
import type { MachineInfo } from './host-stats.js';
import { conditionsDiffer, nodeConditions, runtimeHealth } from './node-conditions.js';
import { initialNode, nodeAddresses, nodeImages, nodeInfo, type NodeIdentity, type NodeResources } from './node-object.js';

export interface NodeStatusOptions {
  client: Client;
  cri: CriClient;
  identity: NodeIdentity;
  machine: MachineInfo;
  resources: NodeResources;
  /** The pressure conditions, as the eviction manager last judged them. */
  pressure(): ReadonlySet<PressureCondition>;
  updateMs: number;
  reportMs: number;
  logger: Logger;
}

function withoutHeartbeats(status: any): string {
  return JSON.stringify({ ...status, conditions: status.conditions.map((c: any) => ({ ...c, lastHeartbeatTime: undefined })) });
}

export class NodeStatusReporter {
  private readonly nodes: ResourceClient<Node>;
  private timer: NodeJS.Timeout | undefined;
  private lastKey = '';
  private lastWrite = 0;
  private conditions: any[] = [];
  private appliedCidr = '';
  uid: string | undefined;
  writes = 0;

  constructor(private readonly options: NodeStatusOptions) {
    this.nodes = options.client.resource<Node>('v1/nodes');
  }

  /** Creates the Node if it is not there (a restarted agent finds its own) and writes the first status. */
  async register(): Promise<Node> {
    const { identity, machine } = this.options;
    let node: Node;
    try {
      node = await this.nodes.create(initialNode(identity, machine));
      this.options.logger.info({ node: identity.name }, 'node registered');
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      node = await this.nodes.get(identity.name);
      this.conditions = node.status?.conditions ?? [];
      this.options.logger.info({ node: identity.name }, 'node already registered; taking it over');
    }
    this.uid = node.metadata?.uid;
    await this.applyPodCidr(node.spec?.podCIDR ?? identity.podCidr);
    await this.report(true);
    return node;
  }

  start(): void {
    const tick = () => {
      this.report(false)
        .catch((err: Error) => this.options.logger.warn({ err: err.message }, 'node status update failed'))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.updateMs);
        });
    };
    this.timer = setTimeout(tick, this.options.updateMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The node object changed (its spec.podCIDR may have been set). */
  async nodeUpdated(node: Node): Promise<void> {
    await this.applyPodCidr(node.spec?.podCIDR);
    // Someone else changed our conditions: the node lifecycle controller sets them Unknown when our heartbeats
    // stopped (the agent was frozen, or cut off). Say how the node really is now, not at the next 5-minute report.
    if (this.uid && node.metadata?.uid === this.uid && conditionsDiffer(node.status?.conditions ?? [], this.conditions)) await this.report(true);
  }

  private async applyPodCidr(cidr: string | undefined): Promise<void> {
    if (!cidr || cidr === this.appliedCidr) return;
    await this.options.cri.updateRuntimeConfig({ runtimeConfig: { networkConfig: { podCidr: cidr } } });
    this.appliedCidr = cidr;
    this.options.logger.info({ podCidr: cidr }, 'pod CIDR handed to the runtime');
    // the network just became ready: say so now rather than at the next tick
    if (this.uid) await this.report(false);
  }

  async computeStatus(): Promise<any> {
    const { cri, identity, machine, resources } = this.options;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const [runtime, version, images] = await Promise.all([
      cri.status({}, { timeoutMs: 5000 }).catch(() => undefined),
      cri.version({}, { timeoutMs: 5000 }).catch(() => undefined),
      cri.listImages({}, { timeoutMs: 5000 }).catch(() => undefined),
    ]);
    this.conditions = nodeConditions(this.options.pressure(), runtimeHealth(runtime?.status?.conditions), this.conditions, now);
    return {
      capacity: resources.capacity,
      allocatable: resources.allocatable,
      conditions: this.conditions,
      addresses: nodeAddresses(identity),
      daemonEndpoints: { kubeletEndpoint: { Port: identity.port } },
      nodeInfo: nodeInfo(machine, { name: version?.runtimeName ?? 'unknown', version: version?.runtimeVersion ?? 'unknown' }),
      images: nodeImages(images?.images ?? []),
    };
  }

  async report(force: boolean): Promise<void> {
    const status = await this.computeStatus();
    const key = withoutHeartbeats(status);
    if (!force && key === this.lastKey && Date.now() - this.lastWrite < this.options.reportMs) return;
    await this.nodes.patch(this.options.identity.name, { status }, 'merge', { subresource: 'status' });
    this.lastKey = key;
    this.lastWrite = Date.now();
    this.writes++;
  }
}
