/**
 * Pod CIDRs for nodes: the cluster CIDR (10.244.0.0/16 by default) cut into equal blocks (/24: 256 of them),
 * handed out lowest first. Blocks in use are learned from the nodes themselves, so a restarted controller never
 * hands out a block twice.
 *
 *   cluster 10.244.0.0/16, mask 24: block 0 = 10.244.0.0/24, block 1 = 10.244.1.0/24 ... block 255 = 10.244.255.0/24
 */
import { ControllerError } from '../errors.js';

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new ControllerError('BadOptions', `not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export class CidrAllocator {
  private readonly base: number;
  private readonly blockSize: number;
  readonly capacity: number;
  private readonly used = new Set<number>();

  constructor(
    clusterCidr: string,
    private readonly maskSize: number,
  ) {
    const [ip, bits] = clusterCidr.split('/');
    const prefix = Number(bits);
    if (!ip || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new ControllerError('BadOptions', `invalid cluster CIDR ${clusterCidr}`);
    if (maskSize < prefix) throw new ControllerError('BadOptions', `node CIDR mask /${maskSize} is larger than the cluster CIDR /${prefix}`);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    this.base = (ipToInt(ip) & mask) >>> 0;
    this.blockSize = 2 ** (32 - maskSize);
    this.capacity = 2 ** (maskSize - prefix);
  }

  cidrOf(block: number): string {
    return `${intToIp(this.base + block * this.blockSize)}/${this.maskSize}`;
  }

  /** The block a CIDR names, if it is one of ours. */
  blockOf(cidr: string): number | undefined {
    const [ip, bits] = cidr.split('/');
    if (Number(bits) !== this.maskSize || !ip) return undefined;
    const off = ipToInt(ip) - this.base;
    if (off < 0 || off % this.blockSize !== 0) return undefined;
    const block = off / this.blockSize;
    return block < this.capacity ? block : undefined;
  }

  /** Marks a CIDR as taken (one seen on a node). */
  occupy(cidr: string): void {
    const b = this.blockOf(cidr);
    if (b !== undefined) this.used.add(b);
  }

  release(cidr: string): void {
    const b = this.blockOf(cidr);
    if (b !== undefined) this.used.delete(b);
  }

  /** The lowest free block, or undefined when the range is exhausted. */
  allocate(): string | undefined {
    for (let b = 0; b < this.capacity; b++) {
      if (!this.used.has(b)) {
        this.used.add(b);
        return this.cidrOf(b);
      }
    }
    return undefined;
  }
}
