/**
 * The node lifecycle controller: notices nodes that stopped heartbeating and evicts their pods.
 *
 *   Heartbeats  a node's Lease in kube-node-lease (renewTime) and its Ready condition's lastHeartbeatTime. The
 *               time of the last *change* is taken from this process's clock, so skew between machines does
 *               not matter. Quiet for gracePeriod (40 s; startupGracePeriod for a node not yet seen healthy):
 *               its conditions become Unknown ("Kubelet stopped posting node status.") and its pods NotReady.
 *   Taints      Ready Unknown -> node.kubernetes.io/unreachable, Ready False -> node.kubernetes.io/not-ready,
 *               each as NoSchedule and NoExecute, removed when the node is Ready again; and by condition
 *               (condition-taints.ts) memory-pressure, disk-pressure, pid-pressure and network-unavailable as
 *               NoSchedule while their condition is True.
 *   Eviction    pods on a node with NoExecute taints are deleted once their tolerations run out
 *               (taint-eviction.ts); their controllers replace them on other nodes.
 *
 * Every node is looked at each monitorPeriod (5 s) and whenever it, its lease or one of its pods changes.
 */
import { deepCopy, jsonEqual, type Lease, type Node, type Pod } from '@skiff/api';
import { isNotFound, objectKey, type EventRecorder, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { rfc3339 } from '../framework/conditions.js';
import { conditionTaints, withConditionTaints } from './condition-taints.js';
import { evictionTime, type Taint } from './taint-eviction.js';

export const UNREACHABLE = 'node.kubernetes.io/unreachable';
export const NOT_READY = 'node.kubernetes.io/not-ready';
const NODE_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

interface Health {
  /** Local monotonic time of the last heartbeat change seen. */
  probeAt: number;
  leaseRenew?: string;
  readyHeartbeat?: string;
  seenHealthy: boolean;
}

export class NodeLifecycleController extends QueueController {
  private readonly nodes: SharedInformer<Node>;
  private readonly leases: SharedInformer<Lease>;
  private readonly pods: SharedInformer<Pod>;
  private readonly health = new Map<string, Health>();
  private readonly recorder: EventRecorder;
  private monitor?: NodeJS.Timeout;

  constructor(ctx: ControllerContext) {
    super('nodelifecycle', ctx, ctx.options.workers.nodelifecycle);
    this.recorder = ctx.recorder('node-controller');
    this.nodes = ctx.informers.informer<Node>('v1/nodes');
    this.leases = ctx.informers.informer<Lease>('coordination.k8s.io/v1/leases');
    this.pods = ctx.informers.informer<Pod>('v1/pods');
    this.nodes.addEventHandler({ onAdd: (n) => this.enqueue(n.metadata!.name!), onUpdate: (_, n) => this.enqueue(n.metadata!.name!), onDelete: (n) => this.enqueue(n.metadata!.name!) });
    const leaseChanged = (l: Lease) => {
      if (l.metadata?.namespace === 'kube-node-lease') this.enqueue(l.metadata.name!);
    };
    this.leases.addEventHandler({ onAdd: leaseChanged, onUpdate: (_, l) => leaseChanged(l) });
    this.pods.addEventHandler({
      onAdd: (p) => p.spec?.nodeName && this.enqueue(p.spec.nodeName),
      onUpdate: (old, p) => p.spec?.nodeName && old.spec?.nodeName !== p.spec.nodeName && this.enqueue(p.spec.nodeName),
    });
  }

  override async run(signal: AbortSignal): Promise<void> {
    const period = this.ctx.options.nodeLifecycle.monitorPeriodMs;
    this.monitor = setInterval(() => {
      for (const n of this.nodes.indexer.keys()) this.enqueue(n);
    }, period);
    try {
      await super.run(signal);
    } finally {
      clearInterval(this.monitor);
    }
  }

  /** Records heartbeat changes; returns the node's health record. */
  private observe(node: Node): Health {
    const name = node.metadata!.name!;
    const now = performance.now();
    let h = this.health.get(name);
    if (!h) this.health.set(name, (h = { probeAt: now, seenHealthy: false }));
    const renew = this.leases.indexer.get(`kube-node-lease/${name}`)?.spec?.renewTime;
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (renew && renew !== h.leaseRenew) {
      h.leaseRenew = renew;
      h.probeAt = now;
    }
    if (ready?.lastHeartbeatTime && ready.lastHeartbeatTime !== h.readyHeartbeat) {
      h.readyHeartbeat = ready.lastHeartbeatTime;
      h.probeAt = now;
    }
    if (ready?.status === 'True') h.seenHealthy = true;
    return h;
  }

  protected async sync(name: string): Promise<SyncResult> {
    let node = this.nodes.indexer.get(name);
    if (!node) {
      this.health.delete(name);
      return;
    }
    const o = this.ctx.options.nodeLifecycle;
    const h = this.observe(node);
    const grace = h.seenHealthy ? o.gracePeriodMs : o.startupGracePeriodMs;
    const silentFor = performance.now() - h.probeAt;
    if (silentFor > grace) node = await this.markUnknown(node);
    node = await this.syncTaints(node);
    const nextEviction = await this.evictPods(node);
    const untilStale = Math.max(0, grace - silentFor) + 10;
    return { requeueAfterMs: Math.min(untilStale, o.monitorPeriodMs, nextEviction) };
  }

  private async markUnknown(node: Node): Promise<Node> {
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'Unknown') return node;
    const now = rfc3339(this.ctx.now());
    const conditions = [...(node.status?.conditions ?? [])];
    for (const type of NODE_CONDITIONS) {
      const i = conditions.findIndex((c) => c.type === type);
      const prev = i >= 0 ? conditions[i] : undefined;
      const next = {
        type,
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastHeartbeatTime: prev?.lastHeartbeatTime ?? now,
        lastTransitionTime: now,
      };
      if (i >= 0) conditions[i] = next;
      else conditions.push(next);
    }
    const stored = await this.ctx.client.resource<Node>('v1/nodes').updateStatus({ ...deepCopy(node), status: { ...node.status, conditions } });
    this.log.info({ node: node.metadata!.name }, 'node stopped heartbeating; conditions set to Unknown');
    this.recorder.event({ ...stored, apiVersion: 'v1', kind: 'Node' }, 'Normal', 'NodeNotReady', `Node ${node.metadata!.name} status is now: NodeNotReady`);
    await this.markPodsNotReady(node.metadata!.name!);
    return stored;
  }

  private async markPodsNotReady(nodeName: string): Promise<void> {
    const now = rfc3339(this.ctx.now());
    await Promise.all(
      this.pods.indexer.byIndex('nodeName', nodeName).map(async (p) => {
        const conds = p.status?.conditions ?? [];
        const ready = conds.find((c) => c.type === 'Ready');
        if (!ready || ready.status === 'False') return;
        const next = conds.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: now } : c));
        try {
          await this.ctx.client.resource<Pod>('v1/pods').namespace(p.metadata!.namespace!).updateStatus({ ...deepCopy(p), status: { ...p.status, conditions: next } });
        } catch (e) {
          if (!isNotFound(e)) this.log.warn({ pod: objectKey(p), err: (e as Error).message }, 'could not mark pod not ready');
        }
      }),
    );
  }

  private async syncTaints(node: Node): Promise<Node> {
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const wantKey = ready === 'Unknown' ? UNREACHABLE : ready === 'False' ? NOT_READY : undefined;
    const current = (node.spec?.taints ?? []) as Taint[];
    const kept = current.filter((t) => (t.key !== UNREACHABLE && t.key !== NOT_READY) || t.key === wantKey);
    const now = rfc3339(this.ctx.now());
    let next = [...kept];
    if (wantKey) {
      for (const effect of ['NoSchedule', 'NoExecute']) {
        if (!next.some((t) => t.key === wantKey && t.effect === effect)) next.push(effect === 'NoExecute' ? { key: wantKey, effect, timeAdded: now } : { key: wantKey, effect });
      }
    }
    next = withConditionTaints(next, conditionTaints(node.status?.conditions));
    if (jsonEqual(next, current)) return node;
    const copy = deepCopy(node);
    copy.spec = { ...copy.spec, taints: next.length ? (next as NonNullable<Node['spec']>['taints']) : undefined };
    this.log.info({ node: node.metadata!.name, taints: next.map((t) => `${t.key}:${t.effect}`) }, 'node taints updated');
    return this.ctx.client.resource<Node>('v1/nodes').update(copy);
  }

  /** Deletes pods whose tolerations ran out; returns ms until the next one is due (Infinity when none). */
  private async evictPods(node: Node): Promise<number> {
    const taints = (node.spec?.taints ?? []) as Taint[];
    if (!taints.some((t) => t.effect === 'NoExecute')) return Infinity;
    const now = this.ctx.now();
    let next = Infinity;
    for (const pod of this.pods.indexer.byIndex('nodeName', node.metadata!.name!)) {
      if (pod.metadata?.deletionTimestamp) continue;
      const at = evictionTime(pod, taints, now, this.ctx.options.nodeLifecycle.defaultTolerationSeconds);
      if (at === undefined || at === Infinity) continue;
      if (at > now) {
        next = Math.min(next, at - now + 10);
        continue;
      }
      try {
        await this.ctx.client.resource<Pod>('v1/pods').namespace(pod.metadata!.namespace!).delete(pod.metadata!.name!, { preconditions: { uid: pod.metadata!.uid } });
        this.recorder.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${objectKey(pod)}`);
        this.log.info({ pod: objectKey(pod), node: node.metadata!.name }, 'evicted pod from tainted node');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return next;
  }
}
