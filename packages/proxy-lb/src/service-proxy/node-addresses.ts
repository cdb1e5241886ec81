// This node's addresses: where NodePorts listen and what the load-balancer ingress of a Service names. Given
// (--bind-address), or found on the host's interfaces: every non-loopback address except IPv6 link-local ones
// and those on the cluster-IP interface (cluster IPs are not node addresses).
import net from 'node:net';
import os from 'node:os';
import { VipInterface, type VipInterfaceOptions } from '../proxy/vip-interface.js';

export function detectNodeAddresses(exclude: string[] = []): string[] {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const [name, infos] of Object.entries(os.networkInterfaces())) {
    if (exclude.includes(name)) continue;
    for (const i of infos ?? []) {
      if (i.internal) continue;
      if (i.family === 'IPv4') v4.push(i.address);
      else if (!/^fe80:/i.test(i.address)) v6.push(i.address);
    }
  }
  return [...new Set([...v4, ...v6])];
}

/**
 * Where NodePorts listen: each node address, and loopback of each family present (so `curl localhost:<nodePort>`
 * works on the node, as with kube-proxy's iptables mode for IPv4). No address at all: the wildcards.
 */
export function nodePortAddresses(nodeAddresses: string[]): string[] | undefined {
  if (nodeAddresses.length === 0) return undefined;
  const out = new Set(nodeAddresses);
  if (nodeAddresses.some((a) => net.isIPv4(a))) out.add('127.0.0.1');
  if (nodeAddresses.some((a) => net.isIPv6(a))) out.add('::1');
  return [...out];
}

/**
 * kube-ipvs0 for everything but this node's own addresses: a load-balancer ingress naming a node address is
 * already local, and putting it on the interface too would make removing it there a change to the node's
 * addressing.
 */
export class NodeVipInterface extends VipInterface {
  constructor(
    opts: VipInterfaceOptions,
    private readonly isNodeAddress: (address: string) => boolean,
  ) {
    super(opts);
  }

  override async add(address: string): Promise<void> {
    if (!this.isNodeAddress(address)) await super.add(address);
  }

  override async remove(address: string): Promise<void> {
    if (!this.isNodeAddress(address)) await super.remove(address);
  }
}
