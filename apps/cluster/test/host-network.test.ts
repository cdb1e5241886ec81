/**
 * `skiff up --network host` as root: every node on the host network (one proxy serves them all, with its cluster
 * IPs on an interface of the cluster's own), runc pods in CNI pod networks. Pods resolve cluster names through the
 * cluster DNS that proxy serves, and `skiff reset` leaves none of the cluster's interfaces behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPONENTS, locateComponent } from '../src/components/components.js';
import { eventually } from '../test-util/eventually.js';
import { runSkiff } from '../test-util/skiff-cli.js';
import { freshNetworks, hostObjects } from '../test-util/skiff-up.js';
import { useSkiffUpCluster } from '../test-util/skiff-up-cluster.js';

const root = process.getuid?.() === 0;
const haveRunc = existsSync('/usr/sbin/runc') || existsSync('/usr/bin/runc');
const haveProxy = locateComponent(COMPONENTS.find((c) => c.name === 'proxy')!).available;

describe.skipIf(!root || !haveRunc || !haveProxy)('skiff up on the host network as root', () => {
  const nets = freshNetworks();
  const cluster = useSkiffUpCluster({
    prefix: 'skiff-host-test',
    args: (dir) => ['--data-dir', dir, '--nodes', '2', '--network', 'host', '--cluster-cidr', nets.clusterCidr, '--api-port', '0', '--store-port', '0'],
  });
  let clusterId = '';

  beforeAll(() => {
    clusterId = (JSON.parse(readFileSync(join(cluster.dataDir, 'cluster.json'), 'utf8')) as { id: string }).id;
  });

  it('gives pods the cluster DNS, which answers Services by name', async () => {
    const kubectl = cluster.kubectl;
    const dnsIp = (await kubectl.json(['get', 'service', 'kube-dns', '-n', 'kube-system'])).spec.clusterIP as string;
    const apiIp = (await kubectl.json(['get', 'service', 'kubernetes'])).spec.clusterIP as string;
    await kubectl.ok(['run', 'resolver', '--image=busybox', '--restart=Never', '--overrides={"spec":{"terminationGracePeriodSeconds":1}}', '--', 'sleep', '3600']);
    await kubectl.ok(['wait', '--for=condition=Ready', 'pod/resolver', '--timeout=120s']);
    expect(await kubectl.ok(['exec', 'resolver', '--', 'cat', '/etc/resolv.conf'])).toContain(`nameserver ${dnsIp}`);
    const answer = await eventually(() => kubectl.ok(['exec', 'resolver', '--', 'nslookup', 'kubernetes.default.svc.cluster.local']), 'the cluster DNS');
    expect(answer).toContain(`Address: ${apiIp}`);
  });

  it('once stopped, skiff reset removes every interface the cluster made', async () => {
    await cluster.up.stop('SIGINT');
    expect(hostObjects(clusterId, '10.255.255.0/24').filter((o) => o.startsWith('link '))).not.toEqual([]);
    const r = await runSkiff(['reset', '--data-dir', cluster.dataDir], { timeoutMs: 300_000 });
    expect(r.code).toBe(0);
    expect(hostObjects(clusterId, '10.255.255.0/24')).toEqual([]);
  });
});
