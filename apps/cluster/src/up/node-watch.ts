/**
 * Watches Node objects for `skiff up`:
 *  - a real node without spec.podCIDR gets the one its CRI runtime was started with (the node IPAM controller,
 *    when it runs first, may assign one itself; either way the node's spec is the truth from then on);
 *  - as root, the host routes each real node's spec.podCIDR to that node's address, so pods reach pods on other
 *    nodes and the host reaches pods;
 *  - readiness: which nodes report Ready=True, for the `Cluster ready` line.
 */
import type { Node } from '@skiff/api';
import { InformerFactory, type Client } from '@skiff/client';
import type { ClusterTopology, NodeTopology } from '../cluster/topology.js';
import { ClusterError } from '../errors.js';
import { routePods } from '../network/node-network.js';
import type { Reporter } from '../supervisor/reporter.js';

export function isReady(node: Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export class NodeWatch {
  private readonly factory: InformerFactory;
  private readonly real = new Map<string, NodeTopology>();
  private readonly routed = new Map<string, string>();
  private readonly patched = new Set<string>();
  private readonly ready = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly client: Client,
    private readonly topology: ClusterTopology,
    private readonly reporter: Reporter,
    private readonly routePodNetworks: boolean,
  ) {
    this.factory = new InformerFactory(client);
  }

  /** Adds real nodes to look after (at start, and for `skiff nodes add`). */
  track(nodes: readonly NodeTopology[]): void {
    for (const n of nodes) this.real.set(n.name, n);
    for (const node of this.factory.informer<Node>('v1/nodes').indexer.list()) this.onNode(node);
  }

  async start(): Promise<void> {
    const informer = this.factory.informer<Node>('v1/nodes');
    informer.addEventHandler({
      onAdd: (n) => this.onNode(n),
      onUpdate: (_o, n) => this.onNode(n),
      onDelete: (n) => {
        this.ready.delete(n.metadata?.name ?? "");
        this.notify();
      },
    });
    this.factory.start();
    await this.factory.waitForSync(60_000);
  }

  async stop(): Promise<void> {
    await this.factory.stop();
  }

  /** The pod CIDR the host routes to this node, if any. */
  routeOf(name: string): string | undefined {
    return this.routed.get(name);
  }

  readyNodes(): ReadonlySet<string> {
    return this.ready;
  }

  /** Resolves once every node in `names` is Ready; calls `onChange` with the count as it grows. Bounded by `timeoutMs`. */
  waitForReady(names: readonly string[], timeoutMs: number, onChange: (ready: string[]) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      let reported = -1;
      const check = () => {
        const ready = names.filter((n) => this.ready.has(n));
        if (ready.length !== reported) {
          reported = ready.length;
          onChange(ready);
        }
        if (ready.length === names.length) {
          finish();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        finish();
        const missing = names.filter((n) => !this.ready.has(n));
        reject(new ClusterError('StartTimeout', `not Ready after ${Math.round(timeoutMs / 1000)} s: ${missing.join(', ')}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  private onNode(node: Node): void {
    const name = node.metadata?.name ?? "";
    const wasReady = this.ready.has(name);
    if (isReady(node)) this.ready.add(name);
    else this.ready.delete(name);
    if (wasReady !== this.ready.has(name)) this.notify();
    const mine = this.real.get(name);
    if (!mine) return;
    const podCidr = node.spec?.podCIDR;
    if (!podCidr && !this.patched.has(name)) {
      this.patched.add(name);
      this.client
        .resource<Node>('v1/nodes')
        .patch(name, { spec: { podCIDR: mine.podCidr, podCIDRs: [mine.podCidr] } }, 'merge')
        .catch((e: unknown) => this.reporter.warn(`${name}: could not set its podCIDR ${mine.podCidr}: ${(e as Error).message}`));
    }
    if (podCidr && this.routePodNetworks && this.routed.get(name) !== podCidr) {
      this.routed.set(name, podCidr);
      if (podCidr !== mine.podCidr) this.reporter.warn(`${name} was given podCIDR ${podCidr}, not ${mine.podCidr}; routing that`);
      routePods(this.topology, podCidr, mine.address).catch((e: unknown) => {
        this.routed.delete(name);
        this.reporter.warn(`${name}: cannot route its pods (${podCidr}): ${(e as Error).message}`);
      });
    }
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}
