/**
 * The node IPAM controller: gives every node a spec.podCIDR (and podCIDRs) from the cluster CIDR, once; the
 * node agent's CNI configuration takes pod addresses from it. Blocks of deleted nodes return to the pool.
 */
import { deepCopy, type Node } from '@skiff/api';
import { isNotFound, type EventRecorder, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { CidrAllocator } from './cidr-allocator.js';

export class NodeIpamController extends QueueController {
  private readonly nodes: SharedInformer<Node>;
  private readonly allocator: CidrAllocator;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('nodeipam', ctx, ctx.options.workers.nodeipam);
    const o = ctx.options.nodeLifecycle;
    this.allocator = new CidrAllocator(o.clusterCidr, o.nodeCidrMaskSize);
    this.recorder = ctx.recorder('cidrAllocator');
    this.nodes = ctx.informers.informer<Node>('v1/nodes');
    this.nodes.addEventHandler({
      onAdd: (n) => {
        if (n.spec?.podCIDR) this.allocator.occupy(n.spec.podCIDR);
        this.enqueue(n.metadata!.name!);
      },
      onUpdate: (_, n) => {
        if (n.spec?.podCIDR) this.allocator.occupy(n.spec.podCIDR);
        else this.enqueue(n.metadata!.name!);
      },
      onDelete: (n) => {
        if (n.spec?.podCIDR) this.allocator.release(n.spec.podCIDR);
      },
    });
  }

  protected async sync(name: string): Promise<SyncResult> {
    const node = this.nodes.indexer.get(name);
    if (!node || node.spec?.podCIDR) return;
    const cidr = this.allocator.allocate();
    if (!cidr) {
      this.recorder.event({ ...node, apiVersion: 'v1', kind: 'Node' }, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      return { requeueAfterMs: 30_000 };
    }
    try {
      await this.ctx.client.resource<Node>('v1/nodes').update({ ...deepCopy(node), spec: { ...node.spec, podCIDR: cidr, podCIDRs: [cidr] } });
      this.log.info({ node: name, podCIDR: cidr }, 'allocated pod CIDR');
    } catch (e) {
      this.allocator.release(cidr);
      if (!isNotFound(e)) throw e;
    }
  }
}
