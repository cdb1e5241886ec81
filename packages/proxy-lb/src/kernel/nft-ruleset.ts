// Renders the kernel data path as one nftables table, as kube-proxy's nftables mode does: a service chain that
// DNATs each new flow for a virtual address and port to a backend chosen from a map. Hash schedulers (sh, dh, mh)
// get the core's own lookup table as the map, indexed by the kernel's jhash of the same fields; rr and wrr get a
// round-robin counter over the backends (repeated by weight). Conntrack then keeps every established flow on its
// backend, whatever later rule changes do, which is what the userspace path's connection table does.
// The whole table is replaced in one transaction, so a sync is atomic for the packets that see it.
import net from 'node:net';
import type { Protocol } from '../core.js';

/** How a new flow picks its map slot. */
export type KernelSelector =
  | { kind: 'hash'; fields: 'saddr' | 'saddr-sport' | 'daddr'; seed: number }
  | { kind: 'round-robin' };

export interface KernelService {
  /** Virtual address (not a wildcard) and port. */
  address: string;
  port: number;
  protocol: Protocol;
  selector: KernelSelector;
  /** One entry per map slot: the backend that slot sends a new flow to. Never empty. */
  slots: { address: string; port: number }[];
}

/** Packet mark for flows that must be masqueraded after DNAT (the value kube-proxy uses for the same purpose). */
export const MASQUERADE_MARK = 0x4000;

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

export function validTableName(name: string): boolean {
  return TABLE_NAME.test(name);
}

function family(address: string): 'ip' | 'ip6' {
  return net.isIPv6(address) ? 'ip6' : 'ip';
}

function selectorExpr(s: KernelService, fam: 'ip' | 'ip6', size: number): string {
  const l4 = s.protocol;
  if (s.selector.kind === 'round-robin') return `numgen inc mod ${size}`;
  const fields =
    s.selector.fields === 'daddr' ? `${fam} daddr` : s.selector.fields === 'saddr' ? `${fam} saddr` : `${fam} saddr . ${l4} sport`;
  return `jhash ${fields} mod ${size} seed 0x${(s.selector.seed >>> 0).toString(16)}`;
}

/**
 * The nft script that replaces table `inet <table>` with rules for `services`. `masquerade`: source-NAT flows
 * that leave through another interface (forwarded, or local to a remote backend), so replies come back through
 * this node's conntrack even when the backend's route to the client would bypass it (hairpin, other nodes).
 */
export function renderRuleset(table: string, services: readonly KernelService[], opts: { masquerade: boolean }): string {
  if (!validTableName(table)) throw new Error(`nftables table name "${table}" is not a valid identifier`);
  const out: string[] = [];
  // Declaring the table first makes the delete valid when it does not exist yet; both run in one transaction.
  out.push(`table inet ${table} {}`, `delete table inet ${table}`, `table inet ${table} {`);
  const rules: string[] = [];
  services.forEach((s, i) => {
    if (s.slots.length === 0) throw new Error(`kernel service ${s.address}:${s.port} has no backend slots`);
    const fam = family(s.address);
    const mismatched = s.slots.find((b) => family(b.address) !== fam);
    if (mismatched) throw new Error(`kernel service ${s.address}:${s.port} has a backend of another family: ${mismatched.address}`);
    const map = `svc${i}`;
    const elements = s.slots.map((b, slot) => `${slot} : ${b.address} . ${b.port}`).join(', ');
    out.push(
      `  map ${map} {`,
      `    typeof numgen inc mod 2 : ${fam} daddr . ${s.protocol} dport`,
      `    elements = { ${elements} }`,
      '  }',
    );
    const mark = opts.masquerade ? `meta mark set meta mark | 0x${MASQUERADE_MARK.toString(16)} ` : '';
    rules.push(
      `    ${fam} daddr ${s.address} ${s.protocol} dport ${s.port} ${mark}dnat ${fam} to ${selectorExpr(s, fam, s.slots.length)} map @${map}`,
    );
  });
  out.push('  chain services {', ...rules, '  }');
  out.push('  chain prerouting {', '    type nat hook prerouting priority dstnat; policy accept;', '    jump services', '  }');
  out.push('  chain output {', '    type nat hook output priority -100; policy accept;', '    jump services', '  }');
  if (opts.masquerade) {
    out.push(
      '  chain postrouting {',
      '    type nat hook postrouting priority srcnat; policy accept;',
      `    meta mark & 0x${MASQUERADE_MARK.toString(16)} != 0 oifname != "lo" masquerade`,
      '  }',
    );
  }
  out.push('}');
  return out.join('\n') + '\n';
}

/** The script that removes the table (and with it every rule); harmless when it is absent. */
export function renderRemoval(table: string): string {
  if (!validTableName(table)) throw new Error(`nftables table name "${table}" is not a valid identifier`);
  return `table inet ${table} {}\ndelete table inet ${table}\n`;
}
