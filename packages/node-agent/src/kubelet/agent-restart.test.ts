/**
 * Containers outlive the node agent: a restarted agent, and one started after the last was killed with SIGKILL,
 * adopt what the runtime runs and carry on without restarting healthy containers. Also: pods reach each other
 * over the pod network.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletCluster, type KubeletCluster } from '../../test-util/kubelet-cluster.js';
import { containerStatus, createPod, getPod, waitForGone, waitForPod } from '../../test-util/pods.js';
import { POD_UID } from './cri-labels.js';

let c: KubeletCluster;

beforeAll(async () => {
  c = await startKubeletCluster();
});

afterAll(async () => {
  await c?.cleanup();
});

const serve = 'mkdir -p /www; echo "hello from $HOSTNAME" > /www/index.html; exec httpd -f -p 8080 -h /www';

async function nodePort(): Promise<number> {
  const node = await c.client.resource('v1/nodes').get(c.nodeName);
  return node.status.daemonEndpoints.kubeletEndpoint.Port;
}

describe('pod network', () => {
  it('carries traffic from one pod to another', async () => {
    await createPod(c, 'server', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', serve] }] });
    await createPod(c, 'client', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exec sleep 3600'] }] });
    const server = await waitForPod(c, 'server', (p) => p.status?.phase === 'Running' && p, 'Running');
    await waitForPod(c, 'client', (p) => p.status?.phase === 'Running', 'Running');
    const body = await eventually(async () => {
      // busybox's static wget crashes resolving even an IP address; nc speaks the request directly
      const request = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${server.status.podIP} 8080 | tail -1`;
      const r = await c.kubectl.run(['exec', 'client', '--', 'sh', '-c', request]);
      return r.code === 0 && r.stdout ? r.stdout : undefined;
    }, 'an answer from the server pod');
    expect(body).toBe('hello from server\n');
  });
});

describe('agent restarts', () => {
  it('a restarted agent adopts running pods without restarting them, and still runs and deletes pods', async () => {
    await createPod(c, 'steady', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo up; exec sleep 3600'] }] });
    const before = await waitForPod(c, 'steady', (p) => p.status?.phase === 'Running' && p, 'Running');
    const id = containerStatus(before, 'app').containerID;
    const oldPort = await nodePort();

    await c.restartAgent();
    await eventually(async () => (await nodePort()) === c.agent.port || undefined, 'the node to name the new agent port');
    expect(c.agent.port).not.toBe(oldPort);
    // a sync of the adopted pod: its status is rewritten by the new agent, unchanged
    await eventually(async () => c.agent.podCount() >= 1 || undefined, 'the new agent to take the pod over');
    const after = await getPod(c, 'steady');
    expect(containerStatus(after, 'app')).toMatchObject({ containerID: id, restartCount: 0, ready: true });
    expect(await c.kubectl.ok(['logs', 'steady'])).toBe('up\n');

    await createPod(c, 'fresh', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exec sleep 3600'] }] });
    await waitForPod(c, 'fresh', (p) => p.status?.phase === 'Running', 'Running under the new agent');
    await c.kubectl.ok(['delete', 'pod', 'steady', '--wait=false']);
    await waitForGone(c, 'steady');
  });

  it('after the agent is killed (SIGKILL), containers keep running and the next agent carries on', async () => {
    await c.agent.close();
    const kubeconfig = join(c.agentRoot, 'kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${c.server.url}"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n`);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/bin/skiff-node-agent.ts', '--node-name', c.nodeName, '--kubeconfig', kubeconfig, '--cri-socket', c.runtime.runtime.socketPath,
        '--root', c.agentRoot, '--address', '127.0.0.1', '--port', '0', '--node-ip', '127.0.0.1', '--pod-cidr', c.runtime.podCidr,
        '--cgroup-parent', `${c.runtime.cgroupParent}/pods`, '--cpu', '2', '--memory', '4Gi', '--log-level', 'info'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      await eventually(() => out.includes('node agent ready') || undefined, `the child agent to start:\n${out}`, 60_000);
      const pod = await createPod(c, 'survivor', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'while true; do echo tick; sleep 1; done'] }] });
      const running = await waitForPod(c, 'survivor', (p) => p.status?.phase === 'Running' && p, 'Running under the child agent');
      const id = containerStatus(running, 'app').containerID;
      child.kill('SIGKILL');
      await exited;

      const { containers } = await c.runtime.client.listContainers({ filter: { labelSelector: { [POD_UID]: pod.metadata.uid } } });
      expect(containers.map((x) => x.state)).toEqual(['CONTAINER_RUNNING']);

      await c.restartAgent();
      await eventually(async () => (await nodePort()) === c.agent.port || undefined, 'the node to name the new agent port');
      await eventually(async () => c.agent.podCount() >= 1 || undefined, 'the new agent to take the pod over');
      const after = await getPod(c, 'survivor');
      expect(containerStatus(after, 'app')).toMatchObject({ containerID: id, restartCount: 0 });
      expect((await c.kubectl.ok(['logs', 'survivor', '--tail=1'])).trim()).toBe('tick');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  });
});
