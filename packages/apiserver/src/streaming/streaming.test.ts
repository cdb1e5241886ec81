/**
 * kubectl logs and exec through the API server to the pod's node (a protocol peer standing in for the node agent).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeAgentPeer, type NodeAgentPeer } from '../../test-util/node-agent-peer.js';
import { call, serverWithKubectl } from '../../test-util/server.js';

const live = serverWithKubectl();

let peer: NodeAgentPeer;

beforeAll(async () => {
  peer = await startNodeAgentPeer();
  const manifests = `apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  nodeName: n1
  containers: [{name: app, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  nodeName: n1
  containers: [{name: a, image: busybox}, {name: b, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: unscheduled}
spec:
  containers: [{name: app, image: busybox}]
`;
  await live.kubectl.ok(['create', '-f', await live.kubectl.file('pods.yaml', manifests)]);
  const status = { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: peer.port } } } };
  await live.kubectl.ok(['patch', 'node', 'n1', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
});

afterAll(async () => {
  await peer?.close();
});

describe('pod logs', () => {
  it('streams a container log from the pod\'s node', async () => {
    expect(await live.kubectl.ok(['logs', 'web'])).toBe('line 1\nline 2\nline 3\n');
    expect(peer.requests).toContain('/containerLogs/default/web/app');
  });

  it('passes tailLines and the container through', async () => {
    expect(await live.kubectl.ok(['logs', 'two', '-c', 'b', '--tail=1'])).toBe('line 3\n');
    expect(peer.requests).toContain('/containerLogs/default/two/b?tailLines=1');
  });

  it('follows a log until the client leaves', async () => {
    const s = live.kubectl.spawn(['logs', '-f', 'web']);
    try {
      await s.waitFor(/line 4 \(followed\)/);
    } finally {
      await s.stop();
    }
  });

  it('asks which container when a pod has several and the client names none', async () => {
    const r = await call(live.server, 'GET', '/api/v1/namespaces/default/pods/two/log');
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('a container name must be specified for pod two, choose one of: [a b]');
    // kubectl picks the first container itself, and says so.
    const k = await live.kubectl.run(['logs', 'two']);
    expect(k.stderr).toContain('Defaulted container "a" out of: a, b');
    expect(k.stdout).toBe('line 1\nline 2\nline 3\n');
  });

  it('refuses exec without an upgrade', async () => {
    const r = await call(live.server, 'POST', '/api/v1/namespaces/default/pods/web/exec?command=ls', '');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ kind: 'Status', message: 'Upgrade request required' });
  });

  it('refuses a pod that no node runs', async () => {
    const r = await live.kubectl.run(['logs', 'unscheduled']);
    expect(r.stderr).toContain('pod unscheduled does not have a host assigned');
  });
});

describe('pod exec', () => {
  it('runs a command over the WebSocket channel protocol and prints its output', async () => {
    expect(await live.kubectl.ok(['exec', 'web', '--', 'echo', 'hello', 'node'])).toBe('hello node\n');
    expect(peer.requests.some((p) => p.startsWith('/exec/default/web/app?command=echo&command=hello&command=node'))).toBe(true);
  });

  it('exits with the command\'s exit code', async () => {
    const r = await live.kubectl.run(['exec', 'web', '--', 'exit', '3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('command terminated with exit code 3');
  });

  it('reports an unreachable node agent as 503', async () => {
    await live.kubectl.ok(['create', '-f', await live.kubectl.file('far.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: far}\n')]);
    await live.kubectl.ok(['patch', 'node', 'far', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 1 } } } })]);
    await live.kubectl.ok(['run', 'stranded', '--image=busybox', '--overrides', JSON.stringify({ spec: { nodeName: 'far' } })]);
    const r = await live.kubectl.run(['logs', 'stranded']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unable to reach the node agent of pod stranded');
  });
});
