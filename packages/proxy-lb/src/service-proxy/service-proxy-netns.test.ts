// The skiff-proxy bin as root in a network namespace this test makes: the API server listens on the host end of a
// veth pair (198.18.x.y/30, the benchmarking range), the proxy runs in the namespace with kube-ipvs0 holding the
// cluster IPs, clients connect from inside the namespace (cluster IP) and from the host (node port, load-balancer
// address, metrics). The namespace (and with it the veth pair) is deleted afterwards, pass or fail. Needs root
// and iproute2; skipped, saying so, without them.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Lease } from '@skiff/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange, withTimeout } from '../../test-util/net-fixtures.js';
import { serviceObject, sliceObject, startTestApi, until, type TestApi } from '../../test-util/service-fixtures.js';
import { presenceLeaseName, PRESENCE_NAMESPACE } from './proxy-presence.js';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function canUseNetns(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const netnsOk = canUseNetns();
if (!netnsOk) console.warn('service-proxy netns tests skipped: they need root and iproute2 (ip netns)');

const tag = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`.slice(-8);
const ns = `skiff-px-${tag}`;
const [hostIf, nsIf] = [`skh${tag}`, `skn${tag}`];
const third = Math.floor(Math.random() * 256);
const fourth = Math.floor(Math.random() * 64) * 4;
const hostIP = `198.18.${third}.${fourth + 1}`;
const nsIP = `198.18.${third}.${fourth + 2}`;

let api: TestApi;
let dir = '';
let child: ChildProcess | undefined;
let childLog = '';
let exited: Promise<number | null> = Promise.resolve(null);
const servers: net.Server[] = [];

/** A TCP backend on the host end of the veth pair greeting with `name`. */
async function hostBackend(name: string): Promise<number> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    // Read (and drop) what the client sends: unread input would hold back the end of the stream, so the socket
    // would never close.
    s.resume();
    s.end(`${name}\n`);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, hostIP, r));
  return (server.address() as net.AddressInfo).port;
}

/** `count` connections from inside the namespace; the backend names they reached. */
async function fromInside(host: string, port: number, count: number): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', 'test-util/netns-connect.ts', host, String(port), String(count)], {
    cwd: packageDir,
    timeout: 30_000,
  });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { name: string }[]).map((s) => s.name);
}

async function ipvsAddresses(): Promise<string[]> {
  const { stdout } = await run('ip', ['-n', ns, '-j', 'addr', 'show', 'dev', 'kube-ipvs0']);
  return (JSON.parse(stdout) as { addr_info?: { local: string; scope: string }[] }[]).flatMap((l) => (l.addr_info ?? []).filter((a) => a.scope !== 'link').map((a) => a.local));
}

async function kernelRules(): Promise<string> {
  return (await run('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset'])).stdout;
}

// The same cluster, once with every connection through the proxy and once with the kernel's nftables rules
// carrying what they can (here: all but the node port, which listens on the wildcard address).
describe.skipIf(!netnsOk).each(['userspace', 'nftables'] as const)('skiff-proxy as root in its own network namespace, %s mode', (mode) => {
  beforeAll(async () => {
    childLog = '';
    servers.length = 0;
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', ns]);
    await run('ip', ['addr', 'add', `${hostIP}/30`, 'dev', hostIf]);
    await run('ip', ['link', 'set', hostIf, 'up']);
    await run('ip', ['-n', ns, 'addr', 'add', `${nsIP}/30`, 'dev', nsIf]);
    await run('ip', ['-n', ns, 'link', 'set', nsIf, 'up']);

    api = await startTestApi({ host: hostIP, serviceCidr: '10.96.0.0/16', nodePortRange: [30000, 32767] });
    dir = mkdtempSync(join(tmpdir(), 'skiff-proxy-netns-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${api.server.url}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user: {}\ncurrent-context: c\n`,
    );
    child = spawn(
      'ip',
      ['netns', 'exec', ns, process.execPath, '--import', 'tsx', 'src/bin/skiff-proxy.ts', '--kubeconfig', kubeconfig, '--hostname-override', 'node-ns',
        '--bind-address', nsIP, '--metrics-bind-address', `${nsIP}:10249`, '--cluster-cidr', '10.244.0.0/16', '--log-level', 'info',
        '--proxy-mode', mode],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d: Buffer) => (childLog += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (childLog += d.toString()));
    exited = new Promise((r) => child!.once('exit', (code) => r(code)));
    await until(async () => ((await fetch(`http://${nsIP}:10249/healthz`)).status === 200 ? true : undefined), 30_000, 'the proxy to sync').catch((e: Error) => {
      throw new Error(`${e.message}\nproxy log:\n${childLog.slice(-4000)}`);
    });
  }, 90_000);

  afterAll(async () => {
    // The namespace goes first: nothing after it may hang the hook and leave it behind.
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await withTimeout(exited, 10_000, 'the proxy to exit').catch(() => {});
    }
    await run('ip', ['netns', 'del', ns]).catch(() => {});
    await run('ip', ['link', 'del', hostIf]).catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const s of servers) await withTimeout(new Promise((r) => s.close(r)), 5000, 'a backend to close').catch(() => {});
    await api?.close();
  });

  it('holds cluster IPs on kube-ipvs0 and serves them inside the namespace, following scale-up', async () => {
    const [a, b] = [await hostBackend('ns-a'), await hostBackend('ns-b')];
    await api.services().create(serviceObject('web', [{ name: 'http', port: 80 }]));
    const ip = (await api.services().get('web')).spec!.clusterIP!;
    await api.slices().create(sliceObject('web', 'web-a', a, [{ address: hostIP, nodeName: 'node-ns' }], 'http'));
    await until(async () => ((await ipvsAddresses()).includes(ip) ? true : undefined), 10_000, `${ip} on kube-ipvs0`);
    await until(async () => ((await fromInside(ip, 80, 2)).every((n) => n === 'ns-a') ? true : undefined), 20_000, 'the cluster IP to reach ns-a');

    await api.slices().create(sliceObject('web', 'web-b', b, [{ address: hostIP, nodeName: 'node-ns' }], 'http'));
    const seen = await until(async () => {
      const names = await fromInside(ip, 80, 6);
      return new Set(names).size === 2 ? names : undefined;
    }, 20_000, 'the cluster IP to reach both backends');
    expect([...new Set(seen)].sort()).toEqual(['ns-a', 'ns-b']);
    if (mode === 'nftables') await until(async () => ((await kernelRules()).includes(`ip daddr ${ip} tcp dport 80 `) ? true : undefined), 10_000, 'the kernel rule for the cluster IP');
    else expect(await kernelRules()).not.toContain('skiff_proxy');
  });

  it('serves NodePort and LoadBalancer on the node address, with ingress written by the proxy', async () => {
    const port = await hostBackend('ns-lb');
    await api.services().create(serviceObject('edge', [{ name: 'http', port: 8080 }], { spec: { type: 'LoadBalancer' } }));
    await api.slices().create(sliceObject('edge', 'edge-1', port, [{ address: hostIP, nodeName: 'node-ns' }], 'http'));
    const svc = await until(async () => {
      const s = await api.services().get('edge');
      return s.status?.loadBalancer?.ingress?.[0]?.ip === nsIP ? s : undefined;
    }, 20_000, 'load-balancer ingress to name the node address');
    expect(svc.status!.loadBalancer!.ingress).toEqual([{ ip: nsIP }]);
    const nodePort = svc.spec!.ports![0]!.nodePort!;
    await until(async () => ((await exchange(8080, 'x', nsIP)).data === 'ns-lb\n' ? true : undefined), 20_000, 'the load-balancer address from the host');
    expect((await exchange(nodePort, 'x', nsIP)).data).toBe('ns-lb\n');
    // The listener serves at once; the kernel's rules follow within a write of the table.
    if (mode === 'nftables') await until(async () => ((await kernelRules()).includes(`ip daddr ${nsIP} tcp dport 8080 `) ? true : undefined), 10_000, 'the kernel rule for the load-balancer address');
    // The node address is the node's own: it is not put on kube-ipvs0.
    expect(await ipvsAddresses()).not.toContain(nsIP);

    const metrics = await (await fetch(`http://${nsIP}:10249/metrics`)).text();
    expect(metrics).toMatch(/^skiff_proxy_load_balancer_status_leader 1$/m);
    expect(metrics).toMatch(/^skiff_proxy_endpoint_change_latency_seconds_count [1-9]\d*$/m);
  });

  it('releases its addresses and presence on SIGTERM and exits 0', async () => {
    const leases = api.client.resource<Lease>('coordination.k8s.io/v1/leases').namespace(PRESENCE_NAMESPACE);
    expect((await leases.get(presenceLeaseName('node-ns'))).spec?.holderIdentity).toBe('node-ns');
    child!.kill('SIGTERM');
    expect(await withTimeout(exited, 20_000, 'the proxy to exit')).toBe(0);
    expect(await ipvsAddresses()).toEqual([]);
    expect(await kernelRules()).not.toContain('skiff_proxy');
    await expect(leases.get(presenceLeaseName('node-ns'))).rejects.toMatchObject({ code: 404 });
    expect(childLog).toContain('service proxy stopped');
  });
});
