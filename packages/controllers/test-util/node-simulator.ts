/**
 * Plays the scheduler and the kubelets until the real ones exist, through the API only (as they will):
 *
 *   - registers Nodes (Ready, with capacity) and renews each node's Lease in kube-node-lease;
 *   - binds unscheduled pods through pods/binding, round-robin over the nodes that fit (nodeSelector, required
 *     node affinity including DaemonSet's metadata.name field, NoSchedule/NoExecute taints, unschedulable);
 *   - reports bound pods through pods/status: Running and Ready with a pod IP by default, or what `behaviour`
 *     says (not ready, succeeded, failed with an exit code);
 *   - finishes graceful deletions (a kubelet deletes a terminating pod with grace 0 once its containers stop).
 *
 * A node can be taken down (heartbeats stop and its pods are left alone, like a partitioned kubelet) and back up.
 */
import type { Lease, Node, Pod } from '@skiff/api';
import { Client, InformerFactory, WorkQueue, isAlreadyExists, isNotFound, microTime, objectKey, type SharedInformer } from '@skiff/client';

export type PodOutcome = 'ready' | 'not-ready' | 'pending' | { phase: 'Succeeded' | 'Failed'; exitCode?: number; reason?: string };

export interface NodeSimulatorOptions {
  /** Node names (default ['node-1']). */
  nodes?: string[];
  nodeLabels?: Record<string, Record<string, string>>;
  /** What a bound pod does; default: 'ready'. */
  behaviour?: (pod: Pod) => PodOutcome;
  /** Lease renewal period (default 1 s). */
  leaseRenewMs?: number;
  /** Pod writes in flight at once (default 16). */
  concurrency?: number;
  /** Only pods in these namespaces are bound and reported (default: all). */
  namespaces?: string[];
  /**
   * Use this factory's pod and node informers (the caller's own, already watching) rather than open watches of
   * its own: a benchmark that watches pods anyway then decodes each pod event once, not twice. The caller starts
   * and stops the factory.
   */
  informers?: InformerFactory;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class NodeSimulator {
  private readonly client: Client;
  private readonly factory: InformerFactory;
  private readonly pods: SharedInformer<Pod>;
  private readonly nodeInformer: SharedInformer<Node>;
  private readonly queue = new WorkQueue<string>();
  private readonly ownsFactory: boolean;
  private readonly unregister: () => void;
  private readonly down = new Set<string>();
  private readonly ipCounter = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly workers: Promise<void>[] = [];
  private rr = 0;
  private running = false;
  readonly names: string[];
  behaviour: (pod: Pod) => PodOutcome;
  /** Pods bound and pods reported, for progress lines and checks. */
  bound = 0;
  reported = 0;

  constructor(private readonly opts: NodeSimulatorOptions & { client: Client; enabled?: boolean }) {
    this.client = opts.client;
    this.names = opts.enabled === false ? [] : (opts.nodes ?? ['node-1']);
    this.behaviour = opts.behaviour ?? (() => 'ready');
    this.ownsFactory = opts.informers === undefined;
    this.factory = opts.informers ?? new InformerFactory(this.client);
    this.pods = this.factory.informer<Pod>('v1/pods');
    this.nodeInformer = this.factory.informer<Node>('v1/nodes');
    this.unregister = this.pods.addEventHandler({ onAdd: (p) => this.queue.add(objectKey(p)), onUpdate: (_, p) => this.queue.add(objectKey(p)) });
  }

  async start(): Promise<void> {
    if (this.names.length === 0) return;
    this.running = true;
    for (const name of this.names) await this.register(name);
    if (this.ownsFactory) this.factory.start();
    await this.factory.waitForSync(30_000);
    const renew = this.opts.leaseRenewMs ?? 1000;
    const t = setInterval(() => void this.heartbeat(), renew);
    this.timers.push(t);
    for (let i = 0; i < (this.opts.concurrency ?? 16); i++) this.workers.push(this.worker());
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.unregister();
    this.queue.shutDown();
    await Promise.all(this.workers);
    if (this.ownsFactory) await this.factory.stop();
  }

  /** Stops the node's heartbeats and kubelet work, as a partition would. */
  takeDown(name: string): void {
    this.down.add(name);
  }

  bringUp(name: string): void {
    this.down.delete(name);
    void this.heartbeat();
    for (const p of this.pods.indexer.byIndex('nodeName', name)) this.queue.add(objectKey(p));
  }

  private async register(name: string): Promise<void> {
    const node: Node = {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...(this.opts.nodeLabels?.[name] ?? {}) } },
      spec: {},
    };
    let created: Node;
    try {
      created = await this.client.resource<Node>('v1/nodes').create(node);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      created = await this.client.resource<Node>('v1/nodes').get(name);
    }
    await this.postNodeStatus(created);
    await this.renewLease(name);
  }

  private async postNodeStatus(node: Node): Promise<void> {
    const t = now();
    const capacity = { cpu: '64', memory: '256Gi', pods: '10000' };
    const status: Node['status'] = {
      capacity,
      allocatable: capacity,
      addresses: [{ type: 'InternalIP', address: `192.168.0.${this.names.indexOf(node.metadata!.name!) + 10}` }, { type: 'Hostname', address: node.metadata!.name! }],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: t, lastTransitionTime: t }],
      nodeInfo: { kubeletVersion: 'v1.32.0-skiff-sim', architecture: 'amd64', operatingSystem: 'linux', bootID: '', containerRuntimeVersion: 'sim', kernelVersion: '', kubeProxyVersion: '', machineID: '', osImage: 'sim', systemUUID: '' },
    };
    await this.client.resource<Node>('v1/nodes').updateStatus({ ...node, status });
  }

  private async renewLease(name: string): Promise<void> {
    const leases = this.client.resource<Lease>('coordination.k8s.io/v1/leases').namespace('kube-node-lease');
    const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime() };
    try {
      const cur = await leases.get(name);
      await leases.update({ ...cur, spec: { ...cur.spec, ...spec } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await leases.create({ metadata: { name, namespace: 'kube-node-lease' }, spec });
    }
  }

  private async heartbeat(): Promise<void> {
    if (!this.running) return;
    await Promise.all(
      this.names.filter((n) => !this.down.has(n)).map(async (n) => {
        try {
          await this.renewLease(n);
          // A node the lifecycle controller marked Unknown posts Ready again once it is back.
          const node = this.nodeInformer.indexer.get(n);
          const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
          if (node && ready?.status !== 'True') await this.postNodeStatus(node);
        } catch {
          // The next heartbeat tries again.
        }
      }),
    );
  }

  private async worker(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      try {
        await this.handle(key);
        this.queue.forget(key);
      } catch (e) {
        if (!isNotFound(e)) this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async handle(key: string): Promise<void> {
    const pod = this.pods.indexer.get(key);
    if (!pod || !this.running) return;
    const ns = pod.metadata!.namespace!;
    if (this.opts.namespaces && !this.opts.namespaces.includes(ns)) return;
    const pods = this.client.resource<Pod>('v1/pods').namespace(ns);
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) {
      if (pod.metadata?.deletionTimestamp) return;
      const target = this.pickNode(pod);
      if (!target) return;
      await pods.bind(pod.metadata!.name!, target);
      this.bound++;
      return;
    }
    if (!this.names.includes(nodeName) || this.down.has(nodeName)) return;
    if (pod.metadata?.deletionTimestamp) {
      await pods.delete(pod.metadata!.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid } });
      return;
    }
    if (pod.status?.phase !== 'Pending') return;
    const outcome = this.behaviour(pod);
    if (outcome === 'pending') return;
    await pods.updateStatus({ ...pod, status: this.statusFor(pod, nodeName, outcome) });
    this.reported++;
  }

  private statusFor(pod: Pod, nodeName: string, outcome: Exclude<PodOutcome, 'pending'>): Pod['status'] {
    const t = now();
    const ready = outcome === 'ready';
    const terminal = typeof outcome === 'object' ? outcome : undefined;
    const cond = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t });
    const n = (this.ipCounter.get(nodeName) ?? 0) + 1;
    this.ipCounter.set(nodeName, n);
    const idx = this.names.indexOf(nodeName);
    const podIP = `10.244.${idx}.${(n % 250) + 2}`;
    const containerStatuses = (pod.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: ready,
      restartCount: 0,
      started: !terminal,
      state: terminal
        ? { terminated: { exitCode: terminal.exitCode ?? (terminal.phase === 'Succeeded' ? 0 : 1), reason: terminal.reason ?? (terminal.phase === 'Succeeded' ? 'Completed' : 'Error'), startedAt: t, finishedAt: t } }
        : { running: { startedAt: t } },
    }));
    return {
      ...pod.status,
      phase: terminal ? terminal.phase : 'Running',
      hostIP: `192.168.0.${idx + 10}`,
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: t,
      conditions: [cond('PodScheduled', true), cond('Initialized', true), cond('ContainersReady', ready), cond('Ready', ready)] as any,
      containerStatuses: containerStatuses as any,
    };
  }

  /** A node the pod fits on: round-robin among the ones that pass the filters. */
  private pickNode(pod: Pod): string | undefined {
    const fits = this.names.filter((n) => !this.down.has(n) && this.fits(pod, this.nodeInformer.indexer.get(n)));
    if (fits.length === 0) return undefined;
    return fits[this.rr++ % fits.length];
  }

  private fits(pod: Pod, node: Node | undefined): boolean {
    if (!node) return false;
    const labels = node.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
    const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (terms?.length) {
      const termFits = terms.some((t) =>
        [...(t.matchFields ?? []).map((r) => ({ ...r, value: r.key === 'metadata.name' ? node.metadata?.name : undefined })), ...(t.matchExpressions ?? []).map((r) => ({ ...r, value: labels[r.key] }))].every((r) =>
          r.operator === 'In' ? r.value !== undefined && (r.values ?? []).includes(r.value) : r.operator === 'NotIn' ? r.value === undefined || !(r.values ?? []).includes(r.value) : r.operator === 'Exists' ? r.value !== undefined : r.operator === 'DoesNotExist' ? r.value === undefined : false,
        ),
      );
      if (!termFits) return false;
    }
    if (node.spec?.unschedulable && !(pod.spec?.tolerations ?? []).some((t) => t.key === 'node.kubernetes.io/unschedulable')) return false;
    for (const taint of node.spec?.taints ?? []) {
      if (taint.effect === 'PreferNoSchedule') continue;
      const tolerated = (pod.spec?.tolerations ?? []).some(
        (t) => (!t.key || t.key === taint.key) && (t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '')) && (!t.effect || t.effect === taint.effect),
      );
      if (!tolerated) return false;
    }
    return true;
  }
}
