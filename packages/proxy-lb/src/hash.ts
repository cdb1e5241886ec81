// Hashes the data path feeds the core. Both engines receive these numbers, so they are computed once, here.
// FNV-1a over the characters, then murmur3's finalizer to spread the bits; seeds keep the outputs independent.
import type { FlowKey } from './core.js';

const FNV_PRIME = 0x01000193;
const SEED_ID1 = 0x811c9dc5;
const SEED_ID2 = 0x2545f491;
const SEED_KEY_LO = 0x9e3779b9;
const SEED_KEY_HI = 0x7f4a7c15;
const SEED_CLIENT = 0x68e31da4;
const SEED_DST = 0xb5297a4d;

export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function feedString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

function feedInt(h: number, v: number): number {
  h = Math.imul(h ^ (v & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((v >>> 8) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((v >>> 16) & 0xff), FNV_PRIME);
  return Math.imul(h ^ (v >>> 24), FNV_PRIME);
}

export function hashString(s: string, seed: number): number {
  return mix32(feedString(seed, s));
}

/** A backend's identity hashes (Maglev's offset and skip come from them): same address and port, same hashes. */
export function backendIdentity(address: string, port: number): { id1: number; id2: number } {
  return {
    id1: mix32(feedInt(feedString(SEED_ID1, address), port)),
    id2: mix32(feedInt(feedString(SEED_ID2, address), port)),
  };
}

/** Node reports IPv4 clients of a dual-stack socket as ::ffff:a.b.c.d; one client should hash one way. */
export function canonicalAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function newFlowKey(): FlowKey {
  return { keyLo: 0, keyHi: 0, srcHash: 0, dstHash: 0, client: 0 };
}

/**
 * Fills `out` for one flow. `hashPort` is IPVS's sh-port/mh-port flag: with it, sh and mh spread one client's
 * flows over backends by source port; without it, a client's flows all hash alike.
 */
export function fillFlowKey(
  out: FlowKey,
  protocol: 'tcp' | 'udp',
  srcAddr: string,
  srcPort: number,
  dstAddr: string,
  dstPort: number,
  hashPort: boolean,
): FlowKey {
  const src = canonicalAddress(srcAddr);
  const dst = canonicalAddress(dstAddr);
  const proto = protocol === 'tcp' ? 6 : 17;
  out.keyLo = mix32(feedInt(feedString(feedInt(feedString(SEED_KEY_LO ^ proto, src), srcPort), dst), dstPort));
  out.keyHi = mix32(feedInt(feedString(feedInt(feedString(SEED_KEY_HI ^ proto, src), srcPort), dst), dstPort));
  const clientState = feedString(SEED_CLIENT, src);
  out.client = mix32(clientState);
  out.srcHash = hashPort ? mix32(feedInt(clientState, srcPort)) : out.client;
  out.dstHash = mix32(feedString(SEED_DST, dst));
  return out;
}
