/**
 * Simulated nodes, all in one process, for scale tests (kwok's role). Each fake node:
 *  - registers its Node and keeps it Ready: a Lease in kube-node-lease renewed every 10 s (what the node
 *    lifecycle controller watches) and the Ready heartbeat refreshed every minute;
 *  - "runs" the pods bound to it: sets them Running with an IP from the fake pod network and every container
 *    ready, and finishes deleting terminating pods (there is nothing to stop).
 * All writes go through the API server, rate-limited by the client; pod updates are spread over a few workers.
 */
import type { Lease, Node, Pod } from '@skiff/api';
import { InformerFactory, isAlreadyExists, isConflict, isNotFound, microTime, objectKey, splitKey, WorkQueue, type Client, type Logger } from '@skiff/client';
import type { Cidr } from '../network/cidr.js';
import { DEFAULT_SHAPE, fakeLease, fakeNode, fakeNodeStatus, LEASE_NAMESPACE, needsStart, runningPodStatus, type FakeNodeShape } from './fake-objects.js';
import { IpPool } from './ip-pool.js';

export interface FakeNodePoolOptions {
  client: Client;
  names: readonly string[];
  /** Where node and pod addresses come from. */
  cidr: Cidr;
  shape?: FakeNodeShape;
  leaseRenewMs?: number;
  statusRefreshMs?: number;
  /** Concurrent pod status writers. */
  workers?: number;
  logger: Logger;
}

/** Requests in flight at most while registering nodes or renewing leases. */
const BATCH = 32;

export class FakeNodePool {
  private readonly names: Set<string>;
  private readonly addresses = new Map<string, string>();
  private readonly readySince = new Map<string, string>();
  private readonly pool: IpPool;
  private readonly shape: FakeNodeShape;
  private readonly factory: InformerFactory;
  private readonly queue = new WorkQueue<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly workers: Promise<void>[] = [];
  private stopped = false;

  constructor(private readonly opts: FakeNodePoolOptions) {
    this.names = new Set(opts.names);
    this.pool = new IpPool(opts.cidr);
    this.shape = opts.shape ?? DEFAULT_SHAPE;
    this.factory = new InformerFactory(opts.client, { logger: opts.logger });
  }

  get nodeCount(): number {
    return this.names.size;
  }

  /** Registers every node (Ready), then starts running their pods. Resolves once the pods' informer has synced. */
  async start(): Promise<void> {
    const nodes = this.opts.client.resource<Node>('v1/nodes');
    await inBatches([...this.names], async (name) => {
      this.addresses.set(name, this.pool.allocate(`node/${name}`) ?? '0.0.0.0');
      try {
        await nodes.create(fakeNode(name));
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
      await this.refreshStatus(name);
      await this.renewLease(name);
    });
    this.opts.logger.info({ nodes: this.names.size }, 'fake nodes registered');
    const pods = this.factory.informer<Pod>('v1/pods');
    pods.addEventHandler({
      onAdd: (pod) => this.consider(pod),
      onUpdate: (_old, pod) => this.consider(pod),
      onDelete: (pod) => this.pool.release(objectKey(pod)),
    });
    this.factory.start();
    await this.factory.waitForSync();
    for (let i = 0; i < (this.opts.workers ?? 8); i++) this.workers.push(this.work());
    this.every(this.opts.leaseRenewMs ?? 10_000, () => inBatches([...this.names], (n) => this.renewLease(n)));
    this.every(this.opts.statusRefreshMs ?? 60_000, () => inBatches([...this.names], (n) => this.refreshStatus(n)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    this.queue.shutDown();
    await this.factory.stop();
    await Promise.all(this.workers);
  }

  private consider(pod: Pod): void {
    const node = pod.spec?.nodeName;
    if (!node || !this.names.has(node)) return;
    // After a restart, pods keep the addresses they were given; record them before handing out new ones.
    if (pod.status?.podIP) this.pool.adopt(objectKey(pod), pod.status.podIP);
    if (pod.metadata?.deletionTimestamp || needsStart(pod)) this.queue.add(objectKey(pod));
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.sync(key);
        this.queue.forget(key);
      } catch (e) {
        if (this.stopped) return;
        this.opts.logger.warn({ pod: key, err: e }, 'fake pod update failed; retrying');
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async sync(key: string): Promise<void> {
    const pod = this.factory.informer<Pod>('v1/pods').indexer.get(key);
    if (!pod) return;
    const { namespace, name } = splitKey(key);
    const pods = this.opts.client.resource<Pod>('v1/pods').namespace(namespace!);
    if (pod.metadata?.deletionTimestamp) {
      // What a kubelet does once the containers are gone: the final delete, with the uid so a new pod of the same name is safe.
      try {
        await pods.delete(name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
      this.pool.release(key);
      return;
    }
    if (!needsStart(pod)) return;
    const ip = this.pool.allocate(key);
    if (!ip) {
      this.opts.logger.warn({ pod: key, pool: this.pool.toString() }, 'fake pod network is full; the pod stays Pending');
      return;
    }
    const hostIP = this.addresses.get(pod.spec!.nodeName!) ?? ip;
    await pods.patch(name, { status: runningPodStatus(pod, ip, hostIP, new Date().toISOString()) }, 'merge', { subresource: 'status' });
  }

  private async refreshStatus(name: string): Promise<void> {
    const now = new Date().toISOString();
    if (!this.readySince.has(name)) this.readySince.set(name, now);
    const status = fakeNodeStatus(name, this.shape, this.addresses.get(name)!, now, this.readySince.get(name)!);
    await this.opts.client.resource<Node>('v1/nodes').patch(name, { status }, 'merge', { subresource: 'status' });
  }

  private async renewLease(name: string): Promise<void> {
    const leases = this.opts.client.resource<Lease>('coordination.k8s.io/v1/leases').namespace(LEASE_NAMESPACE);
    const renewTime = microTime();
    try {
      await leases.patch(name, { spec: { holderIdentity: name, renewTime } }, 'merge');
    } catch (e) {
      if (!isNotFound(e)) throw e;
      try {
        await leases.create(fakeLease(name, renewTime));
      } catch (e2) {
        if (!isAlreadyExists(e2)) throw e2;
      }
    }
  }

  private every(ms: number, fn: () => Promise<void>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running || this.stopped) return;
      running = true;
      fn()
        .catch((err: unknown) => this.opts.logger.warn({ err }, 'fake node heartbeat failed; next round retries'))
        .finally(() => (running = false));
    }, ms);
    this.timers.push(timer);
  }
}

/** Runs `fn` over `items`, at most BATCH at a time; the first failure rejects once the batch settles. */
async function inBatches<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) {
    await Promise.all(items.slice(i, i + BATCH).map(fn));
  }
}
