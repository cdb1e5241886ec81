import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DNSConfig } from '../../cri/cri-types.js';

/**
 * The per-pod files bind-mounted over a container's /etc/hostname, /etc/hosts and /etc/resolv.conf. resolv.conf
 * comes from the pod's DNSConfig, or is the node's own when the kubelet sends none. (The kubelet usually mounts its
 * own /etc/hosts; a container mount of that path replaces this one.)
 */
export interface EtcFiles {
  hostname: string;
  hosts: string;
  resolvConf: string;
}

export function etcPaths(dir: string): EtcFiles {
  return { hostname: join(dir, 'hostname'), hosts: join(dir, 'hosts'), resolvConf: join(dir, 'resolv.conf') };
}

export async function writeResolvConf(dir: string, dns: DNSConfig | null): Promise<void> {
  let text: string;
  if (dns && (dns.servers.length || dns.searches.length || dns.options.length)) {
    text = [
      ...dns.servers.map((s) => `nameserver ${s}`),
      ...(dns.searches.length ? [`search ${dns.searches.join(' ')}`] : []),
      ...(dns.options.length ? [`options ${dns.options.join(' ')}`] : []),
    ].join('\n');
  } else {
    text = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  }
  await writeFile(etcPaths(dir).resolvConf, text.endsWith('\n') || text === '' ? text : `${text}\n`);
}

export async function writeHostFiles(dir: string, hostname: string, ip: string | undefined): Promise<void> {
  const paths = etcPaths(dir);
  const hosts = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', ...(ip && hostname ? [`${ip}\t${hostname}`] : [])];
  await Promise.all([writeFile(paths.hostname, `${hostname}\n`), writeFile(paths.hosts, `${hosts.join('\n')}\n`)]);
}
