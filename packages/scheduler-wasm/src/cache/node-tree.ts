import type { V1Node } from '@kubernetes/client-node';

/**
 * kube-scheduler's node tree: nodes grouped by zone, listed round-robin across zones so that the first nodes the
 * filter loop visits (it stops after enough feasible ones) span every zone.
 *
 * Example: zones a:[n1,n2,n3], b:[n4] -> n1, n4, n2, n3.
 */
export class NodeTree {
  private readonly zones: string[] = [];
  private readonly tree = new Map<string, string[]>();
  private readonly zoneOf = new Map<string, string>();

  get size(): number {
    return this.zoneOf.size;
  }

  /** Adds the node, or moves it when its zone changed; returns whether the order changed. */
  upsert(node: V1Node): boolean {
    const name = node.metadata!.name!;
    const zone = zoneKey(node);
    const old = this.zoneOf.get(name);
    if (old === zone) return false;
    if (old !== undefined) this.removeFrom(old, name);
    this.zoneOf.set(name, zone);
    let list = this.tree.get(zone);
    if (!list) {
      list = [];
      this.tree.set(zone, list);
      this.zones.push(zone);
    }
    list.push(name);
    return true;
  }

  remove(name: string): boolean {
    const zone = this.zoneOf.get(name);
    if (zone === undefined) return false;
    this.zoneOf.delete(name);
    this.removeFrom(zone, name);
    return true;
  }

  list(): string[] {
    const out: string[] = [];
    const lists = this.zones.map((z) => this.tree.get(z)!);
    for (let i = 0, exhausted = 0; exhausted < lists.length; i++) {
      exhausted = 0;
      for (const l of lists) {
        if (i < l.length) out.push(l[i]!);
        else exhausted++;
      }
    }
    return out;
  }

  private removeFrom(zone: string, name: string): void {
    const list = this.tree.get(zone)!;
    list.splice(list.indexOf(name), 1);
    if (list.length === 0) {
      this.tree.delete(zone);
      this.zones.splice(this.zones.indexOf(zone), 1);
    }
  }
}

/** GetZoneKey: region and zone (GA labels, falling back to the beta ones), "" when neither is set. */
export function zoneKey(node: V1Node): string {
  const l = node.metadata?.labels ?? {};
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  if (region === '' && zone === '') return '';
  return `${region}:\x00:${zone}`;
}
