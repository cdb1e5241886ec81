/**
 * Hands out members of a finite range (IPs, ports) without duplicates, even across concurrent creates and
 * several API servers: each taken member is a key in the store, created by a txn that succeeds only if the key
 * is absent. The store decides who won; memory only holds hints.
 *
 *   /registry/allocations/<kind>/<member>  ->  "<namespace>/<name>" of the owner
 */
import { invalid } from '@skiff/api';
import { fromUtf8, prefixEnd, utf8, type Store } from '@skiff/store-wasm';

export interface KeyRange {
  /** Number of members; member i is `format(i)`. */
  size: number;
  format(i: number): string;
  /** Index of a member, or -1 when it is not in the range. */
  indexOf(member: string): number;
  /** Human description for errors ("10.96.0.0/12"). */
  describe: string;
  /** Indexes never handed out (network and broadcast addresses). */
  reserved?: Set<number>;
}

export class AllocationError extends Error {}

export class KeyAllocator {
  private readonly prefix: string;

  constructor(
    private readonly store: Store,
    readonly kind: string,
    private readonly range: KeyRange,
  ) {
    this.prefix = `/registry/allocations/${kind}/`;
  }

  private key(member: string): Uint8Array {
    return utf8(this.prefix + member);
  }

  /** Takes `member`; false when someone holds it already. */
  async tryTake(member: string, owner: string): Promise<boolean> {
    const key = this.key(member);
    const res = await this.store.txn({
      compare: [{ key, target: 'create', result: 'equal', value: 0 }],
      success: [{ put: { key, value: utf8(owner) } }],
      failure: [],
    });
    return res.succeeded;
  }

  inRange(member: string): boolean {
    const i = this.range.indexOf(member);
    return i >= 0 && !this.range.reserved?.has(i);
  }

  /** Takes a free member: random probes first (cheap while the range is sparse), then a scan. */
  async allocate(owner: string): Promise<string> {
    const { size, reserved } = this.range;
    for (let probe = 0; probe < 32; probe++) {
      const i = Math.floor(Math.random() * size);
      if (reserved?.has(i)) continue;
      const m = this.range.format(i);
      if (await this.tryTake(m, owner)) return m;
    }
    const taken = await this.takenSet();
    const start = Math.floor(Math.random() * size);
    for (let n = 0; n < size; n++) {
      const i = (start + n) % size;
      if (reserved?.has(i)) continue;
      const m = this.range.format(i);
      if (taken.has(m)) continue;
      if (await this.tryTake(m, owner)) return m;
    }
    throw new AllocationError(`range is full: no free member in ${this.range.describe}`);
  }

  async release(member: string): Promise<void> {
    await this.store.deleteRange(this.key(member));
  }

  async takenSet(): Promise<Set<string>> {
    const p = utf8(this.prefix);
    const res = await this.store.range(p, prefixEnd(p), { keysOnly: true });
    return new Set(res.kvs.map((kv) => fromUtf8(kv.key).slice(this.prefix.length)));
  }

  /** A 422 for a member the client asked for that cannot be had. */
  static invalidMember(field: string, value: unknown, detail: string, name: string): Error {
    return invalid('Service', '', name, [{ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` }]);
  }
}

/** An IPv4 CIDR as a KeyRange, without its network and broadcast addresses. */
export function ipv4Range(cidr: string): KeyRange & { base: number } {
  const [addr, bitsStr] = cidr.split('/');
  const bits = Number(bitsStr);
  const parts = addr!.split('.').map(Number);
  const base = (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
  const size = 2 ** (32 - bits);
  const toIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  return {
    base,
    size,
    describe: cidr,
    reserved: new Set([0, size - 1]),
    format: (i) => toIp((base + i) >>> 0),
    indexOf: (ip) => {
      const p = ip.split('.');
      if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return -1;
      const n = ((Number(p[0]) << 24) >>> 0) + (Number(p[1]) << 16) + (Number(p[2]) << 8) + Number(p[3]);
      const i = n - base;
      return i >= 0 && i < size ? i : -1;
    },
  };
}

/** Ports [first, last] as a KeyRange. */
export function portRange(first: number, last: number): KeyRange {
  return {
    size: last - first + 1,
    describe: `${first}-${last}`,
    format: (i) => String(first + i),
    indexOf: (p) => (/^\d+$/.test(p) && Number(p) >= first && Number(p) <= last ? Number(p) - first : -1),
  };
}
