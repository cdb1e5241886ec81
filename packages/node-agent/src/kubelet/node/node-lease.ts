/**
 * The node's heartbeat: a Lease named after the node in kube-node-lease, renewed every `renewMs` (10 s) with a
 * duration of `durationSeconds` (40 s), owned by the Node so it goes with it. The node lifecycle controller reads
 * renewTime to tell a live node from a dead one; this is far cheaper than rewriting the node status each time.
 */
import type { Lease } from '@skiff/api';
import { isConflict, isNotFound, microTime, type Client, type ResourceClient } from '@skiff/client';
import type { Logger } from 'pino';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLeaseOptions {
  client: Client;
  nodeName: string;
  durationSeconds: number;
  renewMs: number;
  logger: Logger;
  /** The Node's uid, for the owner reference (unknown until registered). */
  nodeUid: () => string | undefined;
}

export class NodeLease {
  private readonly leases: ResourceClient<Lease>;
  private timer: NodeJS.Timeout | undefined;
  renewals = 0;

  constructor(private readonly options: NodeLeaseOptions) {
    this.leases = options.client.resource<Lease>('coordination.k8s.io/v1/leases').namespace(NODE_LEASE_NAMESPACE);
  }

  start(): void {
    const tick = () => {
      this.renew()
        .catch((err: Error) => this.options.logger.warn({ err: err.message }, 'renewing the node lease failed'))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.renewMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  async renew(): Promise<void> {
    const { nodeName, durationSeconds } = this.options;
    const uid = this.options.nodeUid();
    const ownerReferences = uid ? [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid }] : undefined;
    const spec = { holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, renewTime: microTime() };
    let current: Lease | undefined;
    try {
      current = await this.leases.get(nodeName);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      if (!current) {
        await this.leases.create({ metadata: { name: nodeName, namespace: NODE_LEASE_NAMESPACE, ownerReferences }, spec });
      } else {
        await this.leases.update({
          ...current,
          metadata: { ...current.metadata, ownerReferences: ownerReferences ?? current.metadata?.ownerReferences },
          spec: { ...current.spec, ...spec },
        });
      }
      this.renewals++;
    } catch (err) {
      // someone else wrote it in between: the next renewal reads it again
      if (!isConflict(err)) throw err;
    }
  }
}
