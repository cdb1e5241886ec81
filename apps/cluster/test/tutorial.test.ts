/**
 * The Kubernetes basics tutorial (kubernetes.io/docs/tutorials/kubernetes-basics), module by module, against a
 * `skiff up` cluster with two real nodes and the real kubectl: create a Deployment, explore its pod, expose it as a
 * NodePort, scale it, roll out a new version, roll back a broken one, and watch a deleted pod come back.
 *
 * The app is busybox's httpd answering "<version> <pod name>", since the cluster has no registry access; the
 * version lives in an environment variable so that `kubectl set env` makes a rollout. Runs only where the whole
 * cluster can (root, runc, and the controller manager, scheduler and proxy processes built); skipped otherwise.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPONENTS, locateComponent, type ComponentName } from '../src/components/components.js';
import { eventually } from '../test-util/eventually.js';
import { kubectlFor, type Kubectl } from '../test-util/kubectl.js';
import { runSkiff } from '../test-util/skiff-cli.js';
import { freshNetworks, startSkiffUp, type SkiffUp } from '../test-util/skiff-up.js';

const root = process.getuid?.() === 0;
const haveRunc = existsSync('/usr/sbin/runc') || existsSync('/usr/bin/runc');
const available = (name: ComponentName) => locateComponent(COMPONENTS.find((c) => c.name === name)!).available;
const wholeCluster = available('controller-manager') && available('scheduler') && available('proxy') && available('node');

// kubectl create deployment names the container after its image: "busybox".
const APP = 'echo "serving $VERSION"; echo "$VERSION $(hostname)" > /tmp/index.html; exec httpd -f -p 8080 -h /tmp';

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!root || !haveRunc || !wholeCluster)('the Kubernetes basics tutorial on skiff up', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-tutorial-'));
  const nets = freshNetworks();
  const nodeAddresses = [11, 12].map((n) => `${nets.nodeCidr.split('.').slice(0, 3).join('.')}.${n}`);
  let up: SkiffUp | undefined;
  let kubectl: Kubectl;
  let nodePort = 0;

  const appPods = async () => (await kubectl.json<{ items: any[] }>(['get', 'pods', '-l', 'app=bootcamp'])).items.filter((p) => !p.metadata.deletionTimestamp);
  const runningPods = (count: number) =>
    eventually(async () => {
      const pods = await appPods();
      return pods.length === count && pods.every((p) => p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.ready) ? pods : undefined;
    }, `${count} running pods`);
  /** Distinct answers seen on a node port over several connections (each new connection may go to another pod). */
  const answers = async (address: string, tries: number) => {
    const seen = new Set<string>();
    for (let i = 0; i < tries; i++) seen.add(await httpGet(`http://${address}:${nodePort}/`));
    return seen;
  };

  beforeAll(async () => {
    up = startSkiffUp(['--data-dir', dataDir, '--nodes', '2', '--cluster-cidr', nets.clusterCidr, '--node-cidr', nets.nodeCidr, '--api-port', '0', '--store-port', '0']);
    await up.waitFor(/^Cluster ready/);
    kubectl = kubectlFor(join(dataDir, 'kubeconfig'));
  });

  afterAll(async () => {
    await up?.stop('SIGINT');
    await runSkiff(['reset', '--data-dir', dataDir]);
    kubectl?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('module 1: the cluster answers kubectl with two Ready nodes', async () => {
    expect(await kubectl.ok(['version'])).toMatch(/Server Version: v1\.32/);
    const nodes = await kubectl.ok(['get', 'nodes']);
    expect(nodes).toMatch(/skiff-node-1\s+Ready/);
    expect(nodes).toMatch(/skiff-node-2\s+Ready/);
  });

  it('module 2: a Deployment becomes available with one pod', async () => {
    await kubectl.ok(['create', 'deployment', 'bootcamp', '--image=busybox', '--port=8080', '--', 'sh', '-c', APP]);
    await kubectl.ok(['set', 'env', 'deployment/bootcamp', 'VERSION=v1']);
    await kubectl.ok(['rollout', 'status', 'deployment/bootcamp', '--timeout=180s']);
    const d = await kubectl.json(['get', 'deployment', 'bootcamp']);
    expect(d.status.availableReplicas).toBe(1);
  });

  it('module 3: the pod runs on a node, its logs and exec work', async () => {
    const [pod] = await runningPods(1);
    expect(pod.spec.nodeName).toMatch(/^skiff-node-[12]$/);
    expect(await kubectl.ok(['logs', pod.metadata.name])).toContain('serving v1');
    expect((await kubectl.ok(['exec', pod.metadata.name, '--', 'cat', '/tmp/index.html'])).trim()).toBe(`v1 ${pod.metadata.name}`);
    expect(await kubectl.ok(['describe', 'pod', pod.metadata.name])).toMatch(/Status:\s+Running/);
  });

  it('module 4: exposed as a NodePort it answers on every node; labels select it; without the Service it is unreachable', async () => {
    await kubectl.ok(['expose', 'deployment/bootcamp', '--type=NodePort', '--port=8080']);
    nodePort = (await kubectl.json(['get', 'service', 'bootcamp'])).spec.ports[0].nodePort;
    const [pod] = await appPods();
    for (const address of nodeAddresses) {
      expect(await eventually(async () => httpGet(`http://${address}:${nodePort}/`), `the app on ${address}`)).toBe(`v1 ${pod.metadata.name}`);
    }
    await kubectl.ok(['label', 'pods', pod.metadata.name, 'version=v1']);
    expect(await kubectl.ok(['get', 'pods', '-l', 'version=v1', '-o', 'name'])).toBe(`pod/${pod.metadata.name}\n`);
    await kubectl.ok(['delete', 'service', 'bootcamp']);
    await eventually(async () => {
      try {
        await httpGet(`http://${nodeAddresses[0]}:${nodePort}/`);
        return undefined;
      } catch {
        return true;
      }
    }, 'the node port to close');
    expect((await kubectl.ok(['exec', pod.metadata.name, '--', 'cat', '/tmp/index.html'])).trim()).toBe(`v1 ${pod.metadata.name}`);
    await kubectl.ok(['expose', 'deployment/bootcamp', '--type=NodePort', '--port=8080']);
    nodePort = (await kubectl.json(['get', 'service', 'bootcamp'])).spec.ports[0].nodePort;
  });

  it('module 5: scaled to 4 the Service balances over all four pods; scaled to 2 there are 2', async () => {
    await kubectl.ok(['scale', 'deployments/bootcamp', '--replicas=4']);
    const pods = await runningPods(4);
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(2);
    const names = pods.map((p) => `v1 ${p.metadata.name}`).sort();
    const seen = new Set<string>();
    await eventually(async () => {
      for (const a of await answers(nodeAddresses[0]!, 8)) seen.add(a);
      return seen.size === 4 ? true : undefined;
    }, 'answers from all four pods');
    expect([...seen].sort()).toEqual(names);
    await kubectl.ok(['scale', 'deployments/bootcamp', '--replicas=2']);
    await runningPods(2);
  });

  it('module 6: a rolling update serves the new version, and a broken one is rolled back', async () => {
    await kubectl.ok(['set', 'env', 'deployment/bootcamp', 'VERSION=v2']);
    await kubectl.ok(['rollout', 'status', 'deployment/bootcamp', '--timeout=180s']);
    await eventually(async () => ([...(await answers(nodeAddresses[1]!, 4))].every((a) => a.startsWith('v2 ')) ? true : undefined), 'only v2 answers');
    await kubectl.ok(['set', 'image', 'deployment/bootcamp', 'busybox=registry.invalid/bootcamp:v10']);
    await eventually(async () => {
      const pods = await kubectl.json<{ items: any[] }>(['get', 'pods', '-l', 'app=bootcamp']);
      return pods.items.some((p) => /ErrImagePull|ImagePullBackOff/.test(p.status.containerStatuses?.[0]?.state?.waiting?.reason ?? '')) ? true : undefined;
    }, 'the broken image to fail to pull');
    // The old pods keep serving while the new ones cannot start.
    expect([...(await answers(nodeAddresses[0]!, 4))].every((a) => a.startsWith('v2 '))).toBe(true);
    await kubectl.ok(['rollout', 'undo', 'deployment/bootcamp']);
    await kubectl.ok(['rollout', 'status', 'deployment/bootcamp', '--timeout=180s']);
    const d = await kubectl.json(['get', 'deployment', 'bootcamp']);
    expect(d.spec.template.spec.containers[0].image).toBe('busybox');
    await runningPods(2);
  });

  it('self-healing: a deleted pod is replaced and the Service keeps answering', async () => {
    const [victim] = await runningPods(2);
    await kubectl.ok(['delete', 'pod', victim.metadata.name]);
    const pods = await runningPods(2);
    expect(pods.map((p) => p.metadata.uid)).not.toContain(victim.metadata.uid);
    await eventually(async () => ([...(await answers(nodeAddresses[0]!, 4))].every((a) => a.startsWith('v2 ')) ? true : undefined), 'v2 answers after the replacement');
  });
});
