import { StoreError } from './errors.js';

/** etcd's smallest lease TTL with its default election timeout: ceil(1.5 * 1 s). */
export const MIN_LEASE_TTL = 2;
/** etcd's MaxLeaseTTL. */
export const MAX_LEASE_TTL = 9_000_000_000;

export interface LeaseRecord {
  id: number;
  ttl: number;
}

interface Lease extends LeaseRecord {
  /** ms since epoch; only in memory: after a restart every lease gets a full TTL again, as in etcd. */
  expiresAt: number;
  /** latin1 forms of keys that were put with this lease. May hold keys since moved to another lease or deleted:
   *  readers check each key's current lease, which keeps put/delete free of lease bookkeeping. */
  keys: Set<string>;
}

export function keyToLatin1(k: Uint8Array): string {
  let s = '';
  for (let i = 0; i < k.length; i++) s += String.fromCharCode(k[i]!);
  return s;
}

export function latin1ToKey(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/**
 * Lease bookkeeping: ids, TTLs, countdowns and the keys attached. Granting and revoking are logged writes (the store
 * applies them); keep-alives and expiry times are not, exactly as etcd's lessor treats them.
 */
export class Lessor {
  private readonly leases = new Map<number, Lease>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Normalizes a requested TTL as etcd does: raised to the minimum, refused above the maximum. */
  static normalizeTtl(ttl: number): number {
    if (!Number.isFinite(ttl)) throw new StoreError('InvalidArgument', `lease TTL ${ttl} is not a number`);
    if (ttl > MAX_LEASE_TTL) throw new StoreError('LeaseTTLTooLarge', `${ttl} > ${MAX_LEASE_TTL}`);
    return Math.max(MIN_LEASE_TTL, Math.floor(ttl));
  }

  has(id: number): boolean {
    return this.leases.has(id);
  }

  grant(id: number, ttl: number): LeaseRecord {
    if (this.leases.has(id)) throw new StoreError('LeaseExists');
    const lease: Lease = { id, ttl, expiresAt: this.now() + ttl * 1000, keys: new Set() };
    this.leases.set(id, lease);
    return { id, ttl };
  }

  /** Removes the lease; returns the keys that were attached at some point (callers check which still are). */
  revoke(id: number): Uint8Array[] {
    const lease = this.get(id);
    this.leases.delete(id);
    return [...lease.keys].map(latin1ToKey);
  }

  attach(id: number, key: Uint8Array): void {
    this.leases.get(id)?.keys.add(keyToLatin1(key));
  }

  keepAlive(id: number): number {
    const lease = this.get(id);
    lease.expiresAt = this.now() + lease.ttl * 1000;
    return lease.ttl;
  }

  /** Seconds left, rounded down as etcd reports it, and never below zero while the lease exists. */
  remaining(id: number): number {
    const lease = this.get(id);
    return Math.max(0, Math.floor((lease.expiresAt - this.now()) / 1000));
  }

  granted(id: number): number {
    return this.get(id).ttl;
  }

  attachedKeys(id: number): Uint8Array[] {
    return [...this.get(id).keys].map(latin1ToKey);
  }

  ids(): number[] {
    return [...this.leases.keys()];
  }

  /** Leases whose countdown has run out, oldest first. */
  expired(): number[] {
    const t = this.now();
    return [...this.leases.values()].filter((l) => l.expiresAt <= t).sort((a, b) => a.expiresAt - b.expiresAt).map((l) => l.id);
  }

  /** Durable state for snapshots: ids and TTLs (countdowns restart on recovery). */
  records(): LeaseRecord[] {
    return [...this.leases.values()].map(({ id, ttl }) => ({ id, ttl }));
  }

  /** Restores leases from a snapshot; keys are re-attached by the caller from the kvs' lease fields. */
  restore(records: LeaseRecord[]): void {
    this.leases.clear();
    for (const r of records) this.grant(r.id, r.ttl);
  }

  private get(id: number): Lease {
    const lease = this.leases.get(id);
    if (!lease) throw new StoreError('LeaseNotFound', `lease ${id.toString(16)}`);
    return lease;
  }
}
