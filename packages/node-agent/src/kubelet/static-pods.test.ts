/**
 * Static pods (--pod-manifest-path) on a real runc node: a manifest in the directory runs as a pod with a mirror
 * in the API server; deleting the mirror does not stop the pod; an agent restart adopts it; a changed manifest
 * replaces it; a removed one stops it; a broken one is skipped.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletCluster, type KubeletCluster } from '../../test-util/kubelet-cluster.js';
import { containerStatus, getPod, waitForGone, waitForPod } from '../../test-util/pods.js';

let c: KubeletCluster;
let dir: string;
let name: string;

const manifest = (greeting: string) => `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: static
spec:
  containers:
    - name: main
      image: busybox
      command: ["sh", "-c", "echo ${greeting}; exec sleep 3600"]
`;

/** The mirror pod, Running, whose container is ready: its container id. */
const running = (check: (pod: any) => boolean = () => true) =>
  waitForPod(c, name, (p) => (p.status?.phase === 'Running' && containerStatus(p, 'main')?.ready && check(p) ? containerStatus(p, 'main').containerID : undefined), 'the static pod running');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-manifests-'));
  writeFileSync(join(dir, 'web.yaml'), manifest('hello'));
  c = await startKubeletCluster({ agent: { staticPodPath: dir, fileCheckFrequencyMs: 1000 } });
  name = `web-${c.nodeName}`;
});

afterAll(async () => {
  await c?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('static pods', () => {
  it('run from the manifest directory, mirrored in the API server and owned by the Node', async () => {
    await running();
    const pod = (await getPod(c, name))!;
    const a = pod.metadata.annotations;
    expect(a['kubernetes.io/config.source']).toBe('file');
    expect(a['kubernetes.io/config.mirror']).toBe(a['kubernetes.io/config.hash']);
    expect(pod.metadata.uid).not.toBe(a['kubernetes.io/config.hash']);
    expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'v1', kind: 'Node', name: c.nodeName, controller: true })]);
    expect(pod.spec.nodeName).toBe(c.nodeName);
    expect(pod.metadata.labels).toEqual({ app: 'static' });
    // the kubelet API finds the static pod behind the mirror's name
    expect((await c.kubectl.ok(['logs', name])).trim()).toBe('hello');
  });

  it('keeps running when its mirror is deleted (the mirror comes back) and across an agent restart', async () => {
    const before = await running();
    const oldMirror = (await getPod(c, name))!.metadata.uid;
    await c.kubectl.ok(['delete', 'pod', name, '--wait=false']);
    const back = await waitForPod(c, name, (p) => p.metadata.uid !== oldMirror && !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && p, 'a new mirror with the status written again');
    expect(containerStatus(back, 'main').containerID).toBe(before);
    expect(containerStatus(back, 'main').restartCount).toBe(0);
    await c.restartAgent();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await running()).toBe(before);
  });

  it('replaces the pod when the manifest changes, skips a broken manifest, and stops the pod when its manifest goes', async () => {
    const before = await running();
    const oldHash = (await getPod(c, name))!.metadata.annotations['kubernetes.io/config.hash'];
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {}\n');
    writeFileSync(join(dir, 'web.yaml'), manifest('again'));
    const after = await running((p) => p.metadata.annotations['kubernetes.io/config.mirror'] !== oldHash);
    expect(after).not.toBe(before);
    expect((await c.kubectl.ok(['logs', name])).trim()).toBe('again');
    const pods = await c.kubectl.json<{ items: any[] }>(['get', 'pods']);
    expect(pods.items.map((p) => p.metadata.name)).toEqual([name]);
    // the first version's container is stopped and removed from the runtime
    const oldId = before.split('://')[1];
    await eventually(async () => !(await c.runtime.client.listContainers({})).containers.some((x) => x.id === oldId) || undefined, 'the old container to be removed');

    unlinkSync(join(dir, 'web.yaml'));
    await waitForGone(c, name);
    await eventually(async () => (await c.runtime.client.listPodSandbox({})).items.length === 0 || undefined, 'the sandbox to be removed');

    // put back as it was (the same UID as the pod just stopped): it runs again
    writeFileSync(join(dir, 'web.yaml'), manifest('again'));
    const rerun = await running();
    expect(rerun).not.toBe(after);
    expect((await c.kubectl.ok(['logs', name])).trim()).toBe('again');
  });
});
