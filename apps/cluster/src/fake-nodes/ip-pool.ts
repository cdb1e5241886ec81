/**
 * Hands out addresses of one IPv4 network to fake pods: released addresses first (most recently released
 * first), then fresh ones in order. Skips the network address, the first address (a gateway by convention) and
 * the broadcast address. An owner keeps its address until released; every operation is O(1).
 */
import { formatCidr, formatIp, parseIp, size, type Cidr } from '../network/cidr.js';

const FIRST_OFFSET = 2;

export class IpPool {
  private readonly byOwner = new Map<string, number>();
  private readonly taken = new Set<number>();
  private readonly free: number[] = [];
  private next = FIRST_OFFSET;
  private readonly last: number;

  constructor(private readonly cidr: Cidr) {
    this.last = size(cidr) - 2;
  }

  /** The address held by `owner`, allocating one if it has none; undefined when the network is full. */
  allocate(owner: string): string | undefined {
    const held = this.byOwner.get(owner);
    if (held !== undefined) return formatIp(this.cidr.base + held);
    let offset: number | undefined;
    while (offset === undefined && this.free.length > 0) {
      const candidate = this.free.pop()!;
      if (!this.taken.has(candidate)) offset = candidate;
    }
    while (offset === undefined && this.next <= this.last) {
      const candidate = this.next++;
      if (!this.taken.has(candidate)) offset = candidate;
    }
    if (offset === undefined) return undefined;
    this.take(owner, offset);
    return formatIp(this.cidr.base + offset);
  }

  /**
   * Records an address an owner already has (pods seen again after the fake nodes restart), so it is never handed
   * out twice. Returns false when the address is outside the pool or held by another owner.
   */
  adopt(owner: string, ip: string): boolean {
    let offset: number;
    try {
      offset = parseIp(ip) - this.cidr.base;
    } catch {
      return false;
    }
    if (offset < FIRST_OFFSET || offset > this.last) return false;
    if (this.byOwner.get(owner) === offset) return true;
    if (this.taken.has(offset) || this.byOwner.has(owner)) return false;
    this.take(owner, offset);
    return true;
  }

  release(owner: string): void {
    const offset = this.byOwner.get(owner);
    if (offset === undefined) return;
    this.byOwner.delete(owner);
    this.taken.delete(offset);
    this.free.push(offset);
  }

  get inUse(): number {
    return this.byOwner.size;
  }

  toString(): string {
    return formatCidr(this.cidr);
  }

  private take(owner: string, offset: number): void {
    this.byOwner.set(owner, offset);
    this.taken.add(offset);
  }
}
