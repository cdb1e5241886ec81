#!/usr/bin/env node
// Installs the Debian packages the tests and the cluster use (real etcd, runc, CNI plugins, nft for the proxy's
// nftables mode, busybox for the base image, ApacheBench as the benchmark's connection-rate client) when they are
// missing and we are root; otherwise says what is missing. Quick when everything is present.
import { execFileSync, spawnSync } from 'node:child_process';

export const systemPackages = [
  'etcd-server',
  'etcd-client',
  'runc',
  'containernetworking-plugins',
  'busybox-static',
  'iproute2',
  'iptables',
  'nftables',
  'containerd',
  'apache2-utils',
];

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

const hasDpkg = spawnSync('dpkg-query', ['--version']).status === 0;
if (!hasDpkg) {
  console.warn('system-deps: not a Debian system; install etcd, runc, the CNI plugins and busybox yourself.');
  process.exit(0);
}
const missing = systemPackages.filter((p) => !installed(p));
if (missing.length === 0) process.exit(0);
if (process.getuid?.() !== 0) {
  console.warn(`system-deps: missing Debian packages: ${missing.join(' ')}. As root: apt-get install -y ${missing.join(' ')}`);
  process.exit(0);
}
console.log(`system-deps: installing ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
