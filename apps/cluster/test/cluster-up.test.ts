/**
 * `skiff up` as root with two real nodes, end to end: the built CLI in its own process, its own data dir and
 * networks no other cluster on this host uses, the real kubectl, runc containers in CNI pod networks inside each
 * node's network namespace. Then Ctrl-C, a restart that resumes the cluster, `skiff nodes add`, a crash, and
 * `skiff reset`. Whatever happens, afterAll leaves nothing of this cluster on the host.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kubectl } from '@skiff/test-util';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPONENTS, locateComponent } from '../src/components/components.js';
import { eventually } from '../test-util/eventually.js';
import { runSkiff } from '../test-util/skiff-cli.js';
import { httpGet } from '../test-util/http-get.js';
import { freshNetworks, hostObjects } from '../test-util/skiff-up.js';
import { useSkiffUpCluster } from '../test-util/skiff-up-cluster.js';

const root = process.getuid?.() === 0;
const haveRunc = existsSync('/usr/sbin/runc') || existsSync('/usr/bin/runc');
// The per-node proxy is a separate package; its Service checks run once its process exists.
const haveProxy = locateComponent(COMPONENTS.find((c) => c.name === 'proxy')!).available;

function webPod(name: string, node: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'web' } },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 2,
      containers: [{ name: 'web', image: 'busybox', command: ['sh', '-c', `echo hello-from-${name} > /tmp/index.html; exec httpd -f -p 8080 -h /tmp`] }],
    },
  });
}

describe.skipIf(!root || !haveRunc)('skiff up as root with two nodes', () => {
  const nets = freshNetworks();
  const upArgs = (dir: string) => ['--data-dir', dir, '--nodes', '2', '--cluster-cidr', nets.clusterCidr, '--node-cidr', nets.nodeCidr, '--api-port', '0', '--store-port', '0'];
  // A cluster still running when the tests end (one failed midway) is killed: `skiff reset` cleans up after a crash too.
  const cluster = useSkiffUpCluster({ prefix: 'skiff-up-test', args: upArgs, stopSignal: 'SIGKILL' });
  let dataDir = '';
  let kubectl: Kubectl;
  let clusterId = '';
  const podsBefore = new Map<string, string>();

  beforeAll(() => {
    dataDir = cluster.dataDir;
    clusterId = (JSON.parse(readFileSync(join(dataDir, 'cluster.json'), 'utf8')) as { id: string }).id;
    kubectl = cluster.kubectl;
  });

  it('prints the export line and says when it is ready', () => {
    expect(cluster.up.output()).toContain(`export KUBECONFIG=${join(dataDir, 'kubeconfig')}`);
    expect(cluster.up.output()).toMatch(/^Cluster ready: 2 node\(s\) Ready \(skiff-node-1, skiff-node-2\)/m);
  });

  it('shows both nodes Ready in kubectl, each with its own address on the node network', async () => {
    const nodes = await kubectl.json<{ items: any[] }>(['get', 'nodes']);
    const summary = nodes.items.map((n) => [
      n.metadata.name,
      n.status.conditions.find((c: any) => c.type === 'Ready').status,
      n.status.addresses.find((a: any) => a.type === 'InternalIP').address,
    ]);
    const base = nets.nodeCidr.split('.').slice(0, 3).join('.');
    expect(summary.sort()).toEqual([
      ['skiff-node-1', 'True', `${base}.11`],
      ['skiff-node-2', 'True', `${base}.12`],
    ]);
    const table = await kubectl.ok(['get', 'nodes']);
    expect(table).toMatch(/skiff-node-1\s+Ready/);
  });

  it('points the kubernetes service at the API server address reachable from the nodes', async () => {
    const ep = await kubectl.json(['get', 'endpoints', 'kubernetes']);
    expect(ep.subsets[0].addresses[0].ip).toBe(nets.nodeCidr.replace(/0\/24$/, '1'));
  });

  it('runs a pod bound to each node, and the pods reach each other across nodes and from the host', async () => {
    await kubectl.ok(['apply', '-f', '-'], { stdin: `${webPod('web-1', 'skiff-node-1')}\n${webPod('web-2', 'skiff-node-2')}` });
    const ips: Record<string, string> = {};
    for (const name of ['web-1', 'web-2']) {
      const pod = await eventually(async () => {
        const p = await kubectl.json(['get', 'pod', name]);
        return p.status.phase === 'Running' && p.status.podIP ? p : undefined;
      }, `${name} to run`);
      ips[name] = pod.status.podIP;
      podsBefore.set(name, pod.metadata.uid);
    }
    const prefix = nets.clusterCidr.split('.').slice(0, 2).join('.');
    expect(ips['web-1']).toMatch(new RegExp(`^${prefix.replace('.', '\\.')}\\.1\\.`));
    expect(ips['web-2']).toMatch(new RegExp(`^${prefix.replace('.', '\\.')}\\.2\\.`));
    const fetchFrom = (from: string, ip: string) =>
      eventually(async () => {
        const out = await kubectl.ok(['exec', from, '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${ip} 8080`]);
        return out.includes('hello-from') ? out : undefined;
      }, `${from} to reach ${ip}`);
    expect(await fetchFrom('web-1', ips['web-2']!)).toContain('hello-from-web-2');
    expect(await fetchFrom('web-2', ips['web-1']!)).toContain('hello-from-web-1');
    expect(await httpGet(`http://${ips['web-1']}:8080/`)).toBe('hello-from-web-1\n');
  });

  it.skipIf(!haveProxy)('serves a NodePort Service on every node address from the host, and its cluster IP to pods', async () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } };
    await kubectl.ok(['apply', '-f', '-'], { stdin: JSON.stringify(service) });
    const svc = await kubectl.json(['get', 'service', 'web']);
    const nodePort = svc.spec.ports[0].nodePort as number;
    const base = nets.nodeCidr.split('.').slice(0, 3).join('.');
    for (const address of [`${base}.11`, `${base}.12`]) {
      // Both backends answer through either node: the proxy balances each new connection over the endpoints.
      const seen = new Set<string>();
      await eventually(async () => {
        seen.add(await httpGet(`http://${address}:${nodePort}/`));
        return seen.size === 2 ? seen : undefined;
      }, `both pods behind ${address}:${nodePort}`);
      expect([...seen].sort()).toEqual(['hello-from-web-1\n', 'hello-from-web-2\n']);
    }
    const viaClusterIp = await eventually(async () => {
      const out = await kubectl.ok(['exec', 'web-1', '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${svc.spec.clusterIP} 80`]);
      return out.includes('hello-from') ? out : undefined;
    }, 'the cluster IP to answer');
    expect(viaClusterIp).toMatch(/hello-from-web-[12]/);
  });

  it('reports the running cluster in skiff status', async () => {
    const r = await runSkiff(['status', '--data-dir', dataDir, '--json']);
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status.id).toBe(clusterId);
    expect(status.nodes.map((n: any) => [n.name, n.ready])).toEqual([
      ['skiff-node-1', true],
      ['skiff-node-2', true],
    ]);
    expect(status.processes.filter((p: any) => p.running).map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['store', 'apiserver', 'skiff-node-1/cri', 'skiff-node-1/agent', 'skiff-node-2/cri', 'skiff-node-2/agent']),
    );
  });

  it('refuses to reset or start a second time a cluster that is running', async () => {
    const reset = await runSkiff(['reset', '--data-dir', dataDir]);
    expect(reset.code).toBe(1);
    expect(reset.stderr).toMatch(/^skiff: the cluster in .* is running \(skiff pid \d+\); stop it first/);
    const second = await runSkiff(['up', ...upArgs(dataDir)]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/a cluster is already running from .* \(skiff pid \d+\)/);
  });

  it('stops on Ctrl-C, pods first, and leaves no namespace, interface, route, rule or cgroup behind', async () => {
    const status = JSON.parse((await runSkiff(['status', '--data-dir', dataDir, '--json'])).stdout);
    expect(hostObjects(clusterId, nets.nodeCidr).length).toBeGreaterThan(0);
    expect(await cluster.up.stop('SIGINT')).toBe(0);
    expect(cluster.up.output()).toMatch(/skiff-node-\d: stopped 1 container\(s\) in 1 pod\(s\)/);
    expect(cluster.up.output()).not.toMatch(/left behind/);
    expect(hostObjects(clusterId, nets.nodeCidr)).toEqual([]);
    for (const p of status.processes) expect(existsSync(`/proc/${p.pid}`), `${p.name} (pid ${p.pid}) is gone`).toBe(false);
    expect(existsSync(join(dataDir, 'cluster.json'))).toBe(true);
    const stopped = await runSkiff(['status', '--data-dir', dataDir]);
    expect(stopped.code).toBe(3);
    expect(stopped.stdout).toMatch(`cluster ${clusterId}: stopped, 2 node(s)`);
  });

  it('resumes the same cluster with its objects on the next start', async () => {
    const up = await cluster.restart();
    expect(up.output()).toMatch(`resuming cluster ${clusterId}`);
    for (const [name, uid] of podsBefore) {
      const pod = await eventually(async () => {
        const p = await kubectl.json(['get', 'pod', name]);
        return p.status.phase === 'Running' && p.status.podIP ? p : undefined;
      }, `${name} to run again`);
      expect(pod.metadata.uid).toBe(uid);
    }
  });

  it('adds a node to the running cluster with skiff nodes add', async () => {
    const r = await runSkiff(['nodes', 'add', '--data-dir', dataDir], { timeoutMs: 300_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/started skiff-node-3/);
    await eventually(async () => {
      const n = await kubectl.json(['get', 'node', 'skiff-node-3']);
      return n.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True') ? n : undefined;
    }, 'skiff-node-3 to be Ready');
  });

  it('after a crash, skiff reset removes the pods, the host objects and the data dir', async () => {
    cluster.up.child.kill('SIGKILL');
    await cluster.up.exited;
    expect(hostObjects(clusterId, nets.nodeCidr).length).toBeGreaterThan(0);
    const r = await runSkiff(['reset', '--data-dir', dataDir], { timeoutMs: 300_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/skiff-node-1: 1 container\(s\), 1 pod sandbox\(es\)/);
    expect(r.stdout).toMatch(`removed data dir ${dataDir}`);
    expect(hostObjects(clusterId, nets.nodeCidr)).toEqual([]);
    expect(existsSync(dataDir)).toBe(false);
  });
});
