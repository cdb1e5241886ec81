/**
 * Cluster IPs and node ports of Services. Allocation happens before the Service is stored; if storing fails the
 * caller runs the returned undo, so a failed create leaks nothing.
 */
import type { KubeObject } from '@skiff/api';
import type { Store } from '@skiff/store-wasm';
import { KeyAllocator, ipv4Range, portRange } from './key-allocator.js';

export interface ServiceAllocatorOptions {
  serviceCidr: string;
  nodePortRange: [number, number];
}

export class ServiceAllocator {
  readonly ips: KeyAllocator;
  readonly ports: KeyAllocator;
  private readonly ipRange: ReturnType<typeof ipv4Range>;

  constructor(store: Store, opts: ServiceAllocatorOptions) {
    this.ipRange = ipv4Range(opts.serviceCidr);
    this.ips = new KeyAllocator(store, 'serviceips', this.ipRange);
    this.ports = new KeyAllocator(store, 'nodeports', portRange(opts.nodePortRange[0], opts.nodePortRange[1]));
  }

  /** The first address of the range: the `kubernetes` Service's. */
  get kubernetesServiceIp(): string {
    return this.ipRange.format(1);
  }

  private owner(svc: KubeObject): string {
    return `${svc.metadata.namespace}/${svc.metadata.name}`;
  }

  /**
   * Fills spec.clusterIP(s) and node ports of `svc` (new, or `prev` updated to `svc`), taking what it needs.
   * Returns the undo. `dryRun` checks requested members but takes nothing.
   */
  async allocate(svc: KubeObject, prev: KubeObject | undefined, dryRun: boolean): Promise<() => Promise<void>> {
    const taken: (() => Promise<void>)[] = [];
    const undo = async () => {
      for (const t of taken.reverse()) await t();
    };
    const spec = svc.spec ?? {};
    const name = svc.metadata.name ?? '';
    try {
      const needsIp = spec.type !== 'ExternalName';
      if (needsIp && prev?.spec?.clusterIP && prev.spec.type !== 'ExternalName') {
        spec.clusterIP ||= prev.spec.clusterIP;
      } else if (needsIp && spec.clusterIP !== 'None') {
        if (spec.clusterIP) {
          if (!this.ips.inRange(spec.clusterIP)) {
            throw KeyAllocator.invalidMember('spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${this.ipRange.describe}`, name);
          }
          if (!dryRun) {
            if (!(await this.ips.tryTake(spec.clusterIP, this.owner(svc)))) {
              throw KeyAllocator.invalidMember('spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`, name);
            }
            const ip = spec.clusterIP;
            taken.push(() => this.ips.release(ip));
          }
        } else if (!dryRun) {
          spec.clusterIP = await this.ips.allocate(this.owner(svc));
          const ip = spec.clusterIP;
          taken.push(() => this.ips.release(ip));
        }
      }
      if (!needsIp) {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      } else if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        const prevPorts = new Map<string, number>();
        for (const p of prev?.spec?.ports ?? []) if (p.nodePort) prevPorts.set(`${p.port}/${p.protocol ?? 'TCP'}`, p.nodePort);
        for (const [i, p] of ((spec.ports ?? []) as any[]).entries()) {
          const kept = prevPorts.get(`${p.port}/${p.protocol ?? 'TCP'}`);
          if (!p.nodePort && kept) {
            p.nodePort = kept;
            continue;
          }
          if (p.nodePort && p.nodePort === kept) continue;
          if (dryRun) continue;
          if (p.nodePort) {
            if (!this.ports.inRange(String(p.nodePort))) {
              throw KeyAllocator.invalidMember(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${30000}-${32767}`, name);
            }
            if (!(await this.ports.tryTake(String(p.nodePort), this.owner(svc)))) {
              throw KeyAllocator.invalidMember(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated', name);
            }
          } else p.nodePort = Number(await this.ports.allocate(this.owner(svc)));
          const port = String(p.nodePort);
          taken.push(() => this.ports.release(port));
        }
      } else {
        for (const p of (spec.ports ?? []) as any[]) delete p.nodePort;
      }
    } catch (e) {
      await undo();
      throw e;
    }
    return undo;
  }

  /** Frees what `svc` holds and `next` (an update's result, if any) no longer uses. */
  async release(svc: KubeObject, next?: KubeObject): Promise<void> {
    const spec = svc.spec ?? {};
    const keepIp = next && next.spec?.type !== 'ExternalName' ? next.spec?.clusterIP : undefined;
    if (spec.clusterIP && spec.clusterIP !== 'None' && spec.clusterIP !== keepIp && spec.type !== 'ExternalName') await this.ips.release(spec.clusterIP);
    const keepPorts = new Set(((next?.spec?.ports ?? []) as any[]).map((p) => p.nodePort).filter(Boolean));
    for (const p of (spec.ports ?? []) as any[]) if (p.nodePort && !keepPorts.has(p.nodePort)) await this.ports.release(String(p.nodePort));
  }
}
