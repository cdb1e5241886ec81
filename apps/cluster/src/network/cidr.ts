/**
 * IPv4 networks as the cluster lays them out: the node network (one address per node plus the host's gateway)
 * and the cluster's pod network cut into one /24 (or other size) per node.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer (host bits cleared). */
  readonly base: number;
  readonly bits: number;
}

export function parseIp(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`"${text}" is not an IPv4 address`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses `a.b.c.d/n`. Host bits must be zero, as in kube-controller-manager's --cluster-cidr. */
export function parseCidr(text: string): Cidr {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m) throw new Error(`"${text}" is not an IPv4 CIDR such as 10.244.0.0/16`);
  const bits = Number(m[2]);
  if (bits > 32) throw new Error(`"${text}": a prefix length is at most 32`);
  const ip = parseIp(m[1]!);
  const base = bits === 0 ? 0 : (ip & maskOf(bits)) >>> 0;
  if (base !== ip) throw new Error(`"${text}" has host bits set; did you mean ${formatIp(base)}/${bits}?`);
  return { base, bits };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.bits}`;
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.bits);
}

/** The `index`-th address of the network (0 is the network address itself). */
export function hostAt(c: Cidr, index: number): string {
  if (index < 0 || index >= size(c)) throw new Error(`${formatCidr(c)} has no address number ${index}`);
  return formatIp(c.base + index);
}

/** The `index`-th subnet of prefix length `bits` inside `c`: subnetAt(10.244.0.0/16, 24, 3) = 10.244.3.0/24. */
export function subnetAt(c: Cidr, bits: number, index: number): Cidr {
  if (bits < c.bits) throw new Error(`a /${bits} does not fit inside ${formatCidr(c)}`);
  const count = 2 ** (bits - c.bits);
  if (index < 0 || index >= count) throw new Error(`${formatCidr(c)} has only ${count} subnets of size /${bits}`);
  return { base: c.base + index * 2 ** (32 - bits), bits };
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.bits >= outer.bits && (inner.base & maskOf(outer.bits)) >>> 0 === outer.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b) || contains(b, a);
}
