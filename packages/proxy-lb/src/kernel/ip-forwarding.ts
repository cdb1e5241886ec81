// Kernel-served flows to a backend on another host or namespace are forwarded by this one, which a fresh network
// namespace (a node of a namespaces cluster, a test's) does not do by default. kube-proxy leaves this to the
// node's setup; the proxy here turns it on itself when it takes over Service traffic in the kernel, and says so.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';

const IPV4_FORWARD = '/proc/sys/net/ipv4/ip_forward';

export function ensureIpv4Forwarding(log: Logger): void {
  try {
    if (readFileSync(IPV4_FORWARD, 'utf8').trim() === '1') return;
    writeFileSync(IPV4_FORWARD, '1\n');
    log.info('turned on IPv4 forwarding (net.ipv4.ip_forward=1) for Service flows the kernel forwards');
  } catch (err) {
    log.warn({ err }, 'could not turn on IPv4 forwarding: kernel-served Services reach only local backends');
  }
}
