/**
 * The Kubernetes basics tutorial (kubernetes.io/docs/tutorials/kubernetes-basics), module by module, against a
 * `skiff up` cluster with two real nodes and the real kubectl: create a Deployment, explore its pod, expose it as a
 * NodePort, scale it, roll out a new version, roll back a broken one, and watch a deleted pod come back.
 *
 * The app is busybox's httpd answering "<version> <pod name>", since the cluster has no registry access; the
 * version lives in an environment variable so that `kubectl set env` makes a rollout. Runs only where the whole
 * cluster can (root, runc, and the controller manager, scheduler and proxy processes built); skipped otherwise.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Kubectl } from '@skiff/test-util';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPONENTS, locateComponent, type ComponentName } from '../src/components/components.js';
import { eventually } from '../test-util/eventually.js';
import { httpGet as httpGetBody } from '../test-util/http-get.js';
import { runSkiff } from '../test-util/skiff-cli.js';
import { freshNetworks } from '../test-util/skiff-up.js';
import { useSkiffUpCluster } from '../test-util/skiff-up-cluster.js';

const root = process.getuid?.() === 0;
const haveRunc = existsSync('/usr/sbin/runc') || existsSync('/usr/bin/runc');
const available = (name: ComponentName) => locateComponent(COMPONENTS.find((c) => c.name === name)!).available;
const wholeCluster = available('controller-manager') && available('scheduler') && available('proxy') && available('node');

// kubectl create deployment names the container after its image: "busybox".
const APP = 'echo "serving $VERSION"; echo "$VERSION $(hostname)" > /tmp/index.html; exec httpd -f -p 8080 -h /tmp';

/** Whether some node namespace of a skiff cluster holds an nftables rule for address:port (the kernel data path). */
async function kernelRulesNaming(address: string, port: number): Promise<boolean> {
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith('skiff-'));
  return namespaces.some((ns) => {
    try {
      return execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'skiff_proxy'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .includes(`ip daddr ${address} tcp dport ${port} `);
    } catch {
      return false;
    }
  });
}

/** The app's answer, without the newline httpd's file ends with. */
const httpGet = async (url: string) => (await httpGetBody(url)).trim();

describe.skipIf(!root || !haveRunc || !wholeCluster)('the Kubernetes basics tutorial on skiff up', () => {
  const nets = freshNetworks();
  const nodeAddresses = [11, 12].map((n) => `${nets.nodeCidr.split('.').slice(0, 3).join('.')}.${n}`);
  const cluster = useSkiffUpCluster({
    prefix: 'skiff-tutorial',
    // The kernel data path here (cluster-up.test.ts runs the userspace one): Services on cluster and load-balancer
    // IPs are nftables DNAT rules in each node's namespace, node ports stay with the proxies.
    args: (dir) => ['--data-dir', dir, '--nodes', '2', '--cluster-cidr', nets.clusterCidr, '--node-cidr', nets.nodeCidr, '--api-port', '0', '--store-port', '0',
      '--proxy-mode', 'nftables'],
  });
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

  beforeAll(() => {
    kubectl = cluster.kubectl;
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
    const describe = await kubectl.ok(['describe', 'pod', pod.metadata.name]);
    expect(describe).toMatch(/Status:\s+Running/);
    // The events a user reads: the scheduler's, then the node's for the container.
    expect(describe).toMatch(new RegExp(`Normal\\s+Scheduled\\s+.*default-scheduler\\s+Successfully assigned default/${pod.metadata.name} to ${pod.spec.nodeName}`));
    for (const reason of ['Pulled', 'Created', 'Started']) expect(describe).toMatch(new RegExp(`Normal\\s+${reason}\\s`));
    const wide = await kubectl.ok(['get', 'pods', '-o', 'wide']);
    expect(wide.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s/);
    expect(wide).toMatch(new RegExp(`${pod.metadata.name}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${pod.status.podIP.replace(/\./g, '\\.')}\\s+${pod.spec.nodeName}\\s`));
    const env = await kubectl.ok(['exec', pod.metadata.name, '--', 'env']);
    expect(env).toMatch(/^KUBERNETES_SERVICE_HOST=\d+\.\d+\.\d+\.\d+$/m);
    expect(env).toMatch(/^KUBERNETES_SERVICE_PORT=443$/m);
    expect(env).toContain(`HOSTNAME=${pod.metadata.name}`);
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
    // v1 (revision 1, then 2 after set env), v2, the broken image; undo brings v2 back as the newest revision.
    const history = await kubectl.ok(['rollout', 'history', 'deployment/bootcamp']);
    expect(history).toMatch(/^REVISION\s+CHANGE-CAUSE/m);
    const revisions = history.split('\n').filter((l) => /^\d+\s/.test(l)).map((l) => Number(l.split(/\s+/)[0]));
    expect(revisions.length).toBeGreaterThanOrEqual(3);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    const newest = await kubectl.ok(['rollout', 'history', 'deployment/bootcamp', `--revision=${revisions.at(-1)}`]);
    expect(newest).toMatch(/VERSION:\s+v2/);
  });

  it('self-healing: a deleted pod is replaced and the Service keeps answering', async () => {
    const [victim] = await runningPods(2);
    await kubectl.ok(['delete', 'pod', victim.metadata.name]);
    const pods = await runningPods(2);
    expect(pods.map((p) => p.metadata.uid)).not.toContain(victim.metadata.uid);
    await eventually(async () => ([...(await answers(nodeAddresses[0]!, 4))].every((a) => a.startsWith('v2 ')) ? true : undefined), 'v2 answers after the replacement');
  });
  it('a LoadBalancer Service gets the node addresses as its EXTERNAL-IP and answers there', async () => {
    await kubectl.ok(['expose', 'deployment/bootcamp', '--type=LoadBalancer', '--name=bootcamp-lb', '--port=8081', '--target-port=8080']);
    const line = await eventually(async () => {
      const out = await kubectl.ok(['get', 'service', 'bootcamp-lb']);
      const row = out.split('\n')[1] ?? '';
      return /<pending>/.test(row) ? undefined : row;
    }, 'an EXTERNAL-IP for bootcamp-lb');
    const [, type, , external] = line.split(/\s+/);
    expect(type).toBe('LoadBalancer');
    const ingress = external!.split(',');
    expect(ingress.sort()).toEqual([...nodeAddresses].sort());
    for (const address of ingress) expect(await eventually(async () => httpGet(`http://${address}:8081/`), `the app on ${address}:8081`)).toMatch(/^v2 bootcamp-/);
    for (const address of ingress) expect(await eventually(async () => ((await kernelRulesNaming(address, 8081)) ? true : undefined), `a kernel rule for ${address}:8081`)).toBe(true);
  });

  it('port-forward reaches a pod from the host', async () => {
    const [pod] = await runningPods(2);
    const pf = kubectl.spawn(['port-forward', `pod/${pod.metadata.name}`, ':8080']);
    try {
      const forwarding = /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/;
      const local = forwarding.exec(await pf.waitFor(forwarding, 120_000))![1];
      expect(await httpGet(`http://127.0.0.1:${local}/`)).toBe(`v2 ${pod.metadata.name}`);
      expect(await httpGet(`http://127.0.0.1:${local}/`)).toBe(`v2 ${pod.metadata.name}`);
    } finally {
      await pf.stop('SIGINT');
    }
  });

  it('apply -f of a multi-document YAML: a ConfigMap served from a volume, reached through the Service from another pod', async () => {
    const yaml = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: web-content}',
      'data:',
      '  index.html: "hello from a configmap"',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web}',
      'spec:',
      '  selector: {app: web}',
      '  ports: [{port: 80, targetPort: 8080}]',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  replicas: 2',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec:',
      // httpd runs as the container's PID 1, which ignores SIGTERM: a short grace period ends it sooner.
      '      terminationGracePeriodSeconds: 3',
      // Short not-ready/unreachable tolerations, so that a lost node's pods move on within the test.
      '      tolerations:',
      '      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 5}',
      '      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 5}',
      '      containers:',
      '      - name: httpd',
      '        image: busybox',
      '        command: [httpd, -f, -p, "8080", -h, /site]',
      '        ports: [{containerPort: 8080}]',
      '        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}',
      '        volumeMounts: [{name: content, mountPath: /site}]',
      '      volumes:',
      '      - {name: content, configMap: {name: web-content}}',
    ].join('\n');
    const applied = await kubectl.ok(['apply', '-f', '-'], { stdin: yaml });
    expect(applied).toContain('configmap/web-content created');
    expect(applied).toContain('service/web created');
    expect(applied).toContain('deployment.apps/web created');
    await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=180s']);
    // Applied again unchanged: nothing to do.
    expect(await kubectl.ok(['apply', '-f', '-'], { stdin: yaml })).toContain('deployment.apps/web unchanged');

    const web = (await kubectl.json<{ items: any[] }>(['get', 'pods', '-l', 'app=web'])).items;
    expect(web).toHaveLength(2);
    const clusterIp = (await kubectl.json(['get', 'service', 'web'])).spec.clusterIP as string;
    // The web pods started after the bootcamp Service existed, so they have its variables too.
    const fromPod = (cmd: string) => kubectl.ok(['exec', web[0].metadata.name, '--', 'sh', '-c', cmd]);
    expect(await eventually(() => fromPod(`timeout 10 wget -qO- http://${clusterIp}/`), 'the web Service from a web pod')).toBe('hello from a configmap');
    // A web pod may be sent to itself: masquerading brings the reply back through the node's conntrack.
    for (let i = 0; i < 4; i++) expect(await fromPod(`timeout 10 wget -qO- http://${clusterIp}/`)).toBe('hello from a configmap');
    expect(await eventually(async () => ((await kernelRulesNaming(clusterIp, 80)) ? true : undefined), `a kernel rule for ${clusterIp}:80`)).toBe(true);
    const bootcampIp = (await kubectl.json(['get', 'service', 'bootcamp'])).spec.clusterIP as string;
    expect((await fromPod(`timeout 10 wget -qO- http://${bootcampIp}:8080/`)).trim()).toMatch(/^v2 bootcamp-/);
    expect((await fromPod('timeout 10 wget -qO- http://$BOOTCAMP_SERVICE_HOST:$BOOTCAMP_SERVICE_PORT/')).trim()).toMatch(/^v2 bootcamp-/);
    // And by name, through the cluster DNS (kube-system/kube-dns, served by each node's proxy): the short name through
    // resolv.conf's search list, the full name, another namespace's Service, and a pod's own name.
    const dnsIp = (await kubectl.json(['get', 'service', 'kube-dns', '-n', 'kube-system'])).spec.clusterIP as string;
    expect((await fromPod('cat /etc/resolv.conf')).split('\n')).toEqual(expect.arrayContaining([`nameserver ${dnsIp}`, 'search default.svc.cluster.local svc.cluster.local cluster.local']));
    expect(await fromPod('timeout 10 wget -qO- http://web/')).toBe('hello from a configmap');
    expect((await fromPod('timeout 10 wget -qO- http://bootcamp.default.svc.cluster.local:8080/')).trim()).toMatch(/^v2 bootcamp-/);
    const apiIp = (await kubectl.json(['get', 'service', 'kubernetes'])).spec.clusterIP as string;
    expect(await fromPod('nslookup kubernetes.default.svc.cluster.local')).toContain(`Address: ${apiIp}`);
    const podIp = web[1].status.podIP as string;
    expect(await fromPod(`nslookup ${podIp.replaceAll('.', '-')}.default.pod.cluster.local`)).toContain(podIp);
    await expect(fromPod('timeout 10 wget -qO- http://no-such-service/')).rejects.toThrow(/bad address/);
  });

  it('self-healing: a killed container is restarted in its pod', async () => {
    const [pod] = await runningPods(2);
    // The container's main process (exec'd httpd), found on the host by the HOSTNAME the node agent gave it.
    const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').startsWith('httpd\0') && readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(`HOSTNAME=${pod.metadata.name}`);
      } catch {
        return false;
      }
    });
    expect(pids).toHaveLength(1);
    process.kill(Number(pids[0]), 'SIGKILL');
    const restarted = await eventually(async () => {
      const p = await kubectl.json(['get', 'pod', pod.metadata.name]);
      const cs = p.status.containerStatuses[0];
      return cs.restartCount === 1 && cs.ready && cs.lastState?.terminated ? p : undefined;
    }, 'the container to be restarted');
    expect(restarted.metadata.uid).toBe(pod.metadata.uid);
    expect(restarted.status.containerStatuses[0].lastState.terminated.exitCode).toBe(137);
    expect(await kubectl.ok(['get', 'pod', pod.metadata.name])).toMatch(/1\/1\s+Running\s+1 \(/);
  });

  it('self-healing: a stopped node is marked NotReady and its pods come back on another node', async () => {
    const web = (await kubectl.json<{ items: any[] }>(['get', 'pods', '-l', 'app=web'])).items;
    const lost = web[0].spec.nodeName as string;
    const status = JSON.parse((await runSkiff(['status', '--json', '--data-dir', cluster.dataDir])).stdout);
    const agent = status.processes.find((p: { name: string }) => p.name === `${lost}/agent`);
    expect(agent?.pid).toBeGreaterThan(0);
    // Frozen, not killed: the node stops renewing its Lease as a powered-off machine would, and comes back after.
    process.kill(agent.pid, 'SIGSTOP');
    try {
      await eventually(async () => ((await kubectl.ok(['get', 'node', lost])).match(new RegExp(`${lost}\\s+NotReady`)) ? true : undefined), `${lost} to become NotReady`, 180_000);
      const taints = (await kubectl.json(['get', 'node', lost])).spec.taints ?? [];
      expect(taints.map((t: { key: string }) => t.key)).toContain('node.kubernetes.io/unreachable');
      const moved = await eventually(async () => {
        const pods = (await kubectl.json<{ items: any[] }>(['get', 'pods', '-l', 'app=web'])).items.filter((p) => !p.metadata.deletionTimestamp);
        return pods.length === 2 && pods.every((p) => p.spec.nodeName !== lost && p.status.phase === 'Running') ? pods : undefined;
      }, `the web pods to run again away from ${lost}`, 180_000);
      expect(moved).toHaveLength(2);
    } finally {
      process.kill(agent.pid, 'SIGCONT');
    }
    await eventually(async () => ((await kubectl.ok(['get', 'node', lost])).match(new RegExp(`${lost}\\s+Ready`)) ? true : undefined), `${lost} to be Ready again`, 180_000);
  });

  it('HorizontalPodAutoscaler walkthrough: a busy Deployment is scaled up to its maximum by CPU utilization', async () => {
    // Each pod asks for 50m and is held to 100m while it spins (bounded to 5 minutes): about 200% of its request.
    const spin = 'end=$(( $(date +%s) + 300 )); while [ $(date +%s) -lt $end ]; do :; done; exec sleep 3600';
    await kubectl.ok(['create', 'deployment', 'spinner', '--image=busybox', '--', 'sh', '-c', spin]);
    await kubectl.ok(['set', 'resources', 'deployment/spinner', '--requests=cpu=50m', '--limits=cpu=100m']);
    await kubectl.ok(['rollout', 'status', 'deployment/spinner', '--timeout=180s']);
    expect((await kubectl.ok(['autoscale', 'deployment', 'spinner', '--cpu-percent=50', '--min=1', '--max=3'])).trim()).toBe('horizontalpodautoscaler.autoscaling/spinner autoscaled');
    try {
      const row = await eventually(async () => {
        const line = (await kubectl.ok(['get', 'hpa', 'spinner', '--no-headers'])).trim();
        return /\s3\s+\S+$/.test(line) ? line : undefined;
      }, 'the autoscaler to report 3 replicas', 240_000);
      const [, reference, , targets, min, max] = row.split(/\s+/);
      expect(reference).toBe('Deployment/spinner');
      expect(Number(targets!.split('%')[0])).toBeGreaterThan(50);
      expect([min, max]).toEqual(['1', '3']);
      expect((await kubectl.json(['get', 'deployment', 'spinner'])).spec.replicas).toBe(3);
      const described = await kubectl.ok(['describe', 'hpa', 'spinner']);
      expect(described).toMatch(/SuccessfulRescale\s+.*New size: 3; reason: cpu resource utilization \(percentage of request\) above target/);
      expect(described).toMatch(/ScalingLimited\s+True\s+TooManyReplicas/);
    } finally {
      await kubectl.run(['delete', 'hpa', 'spinner']);
      await kubectl.run(['delete', 'deployment', 'spinner']);
    }
  });

  it('delete with cascade removes the Deployment, its ReplicaSets and its pods', async () => {
    expect(await kubectl.ok(['delete', 'deployment', 'web', '--cascade=foreground'])).toContain('deployment.apps "web" deleted');
    await eventually(async () => {
      const rs = (await kubectl.json<{ items: any[] }>(['get', 'replicasets', '-l', 'app=web'])).items;
      const pods = (await kubectl.json<{ items: any[] }>(['get', 'pods', '-l', 'app=web'])).items;
      return rs.length === 0 && pods.length === 0 ? true : undefined;
    }, 'the ReplicaSets and pods of web to be gone');
    const gone = await kubectl.run(['get', 'deployment', 'web']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('deployments.apps "web" not found');
  });
});
