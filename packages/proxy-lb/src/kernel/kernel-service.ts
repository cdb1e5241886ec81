// Which virtual services the kernel can serve, and what it serves them with. The kernel has no connection counts
// (lc, wlc), no per-client timers (ClientIP affinity) and no retry of a refusing backend; such services, node
// ports on wildcard addresses, and services with no serving backend (which must be refused at once) stay with
// the userspace listener, which is always bound underneath the rules.
import net from 'node:net';
import type { LbCore } from '../core.js';
import { hashString } from '../hash.js';
import type { BackendSet } from '../proxy/backend-set.js';
import type { VirtualServiceSpec } from '../proxy/virtual-service.js';
import type { KernelService } from './nft-ruleset.js';

/**
 * Maglev table size for a kernel-served mh service without an explicit one: every slot is a kernel map element,
 * so the table grows with the backends (at least 100 slots per backend, the Maglev paper's M >> N) in a few fixed
 * primes, so that adding one backend rarely changes the size (a size change remaps every new flow).
 */
export function kernelMaglevTableSize(backends: number): number {
  for (const m of [1021, 4093, 16381]) if (m >= 100 * backends) return m;
  return 65537;
}

function sameFamily(a: string, b: string): boolean {
  return net.isIPv6(a) === net.isIPv6(b);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** wrr as IPVS interleaves it: each round takes every backend whose weight exceeds the round number. */
function weightedRounds(backends: { address: string; port: number; weight: number }[]): { address: string; port: number }[] | undefined {
  const g = backends.reduce((acc, b) => gcd(acc, b.weight), 0);
  const total = backends.reduce((acc, b) => acc + b.weight / g, 0);
  if (total > 65536) return undefined;
  const max = Math.max(...backends.map((b) => b.weight / g));
  const slots: { address: string; port: number }[] = [];
  for (let round = 0; round < max; round++) {
    for (const b of backends) if (b.weight / g > round) slots.push({ address: b.address, port: b.port });
  }
  return slots;
}

export function kernelServiceFor(
  spec: VirtualServiceSpec,
  boundPort: number,
  core: LbCore,
  svc: number,
  backends: BackendSet,
): KernelService | undefined {
  if (spec.address === '0.0.0.0' || spec.address === '::') return undefined;
  if ((spec.affinityTimeoutSeconds ?? 0) > 0) return undefined;
  const base = { address: spec.address, port: boundPort, protocol: spec.protocol };
  switch (spec.scheduler) {
    case 'rr':
    case 'wrr': {
      const serving = spec.backends
        .filter((b) => !b.draining && (b.weight ?? 1) > 0)
        .map((b) => ({ address: b.address, port: b.port, weight: spec.scheduler === 'rr' ? 1 : (b.weight ?? 1) }));
      if (serving.length === 0 || serving.some((b) => !sameFamily(b.address, spec.address))) return undefined;
      const slots = weightedRounds(serving);
      return slots ? { ...base, selector: { kind: 'round-robin' }, slots } : undefined;
    }
    case 'sh':
    case 'dh':
    case 'mh': {
      const table = core.table(svc);
      if (table.length === 0) return undefined;
      const slots: KernelService['slots'] = [];
      for (const slot of table) {
        const e = slot >= 0 ? backends.entry(slot) : undefined;
        if (!e || !sameFamily(e.address, spec.address)) return undefined;
        slots.push({ address: e.address, port: e.port });
      }
      const fields = spec.scheduler === 'dh' ? 'daddr' : spec.hashPort ? 'saddr-sport' : 'saddr';
      return { ...base, selector: { kind: 'hash', fields, seed: hashString(spec.name, 0x5eed) }, slots };
    }
    default:
      return undefined;
  }
}
