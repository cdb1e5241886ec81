/**
 * `kubectl debug`: ephemeral containers added to a running pod through pods/ephemeralcontainers, started once by
 * the node agent in the pod's sandbox, with --target in the target container's PID namespace, reported in
 * ephemeralContainerStatuses, and read with kubectl logs. Real runc and kubectl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletCluster, type KubeletCluster } from '../../test-util/kubelet-cluster.js';
import { condition, containerStatus, createPod, getPod, waitForPod } from '../../test-util/pods.js';

let c: KubeletCluster;

beforeAll(async () => {
  c = await startKubeletCluster();
  await createPod(c, 'patient', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exec sleep 3600'] }] });
  await waitForPod(c, 'patient', (p) => condition(p, 'Ready') === 'True', 'Ready');
});

afterAll(async () => {
  await c?.cleanup();
});

const ephemeralStatus = (pod: any, name: string) => (pod.status?.ephemeralContainerStatuses ?? []).find((s: any) => s.name === name);

describe('kubectl debug', () => {
  it('runs an ephemeral container once in the target container PID namespace, and the pod carries on', async () => {
    // ps lists the target's processes only when the container joined its PID namespace.
    await c.kubectl.ok(['debug', 'patient', '--image=busybox', '-c', 'dbg', '--target=app', '--profile=general', '--', 'sh', '-c', 'ps -o pid,args; echo done']);
    const pod = await waitForPod(c, 'patient', (p) => ephemeralStatus(p, 'dbg')?.state?.terminated && p, 'the debug container to finish');
    expect(ephemeralStatus(pod, 'dbg')).toMatchObject({ ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    const logs = await c.kubectl.ok(['logs', 'patient', '-c', 'dbg']);
    expect(logs).toContain('sleep 3600');
    expect(logs).toContain('done');
    // It ran once and is not restarted; the pod's own container and readiness are untouched.
    await new Promise((r) => setTimeout(r, 1500));
    const after = await getPod(c, 'patient');
    expect(ephemeralStatus(after, 'dbg').restartCount).toBe(0);
    expect(containerStatus(after, 'app')).toMatchObject({ restartCount: 0, ready: true });
    expect(condition(after, 'Ready')).toBe('True');
  });

  it('without a target, an ephemeral container has a process namespace of its own', async () => {
    await c.kubectl.ok(['debug', 'patient', '--image=busybox', '-c', 'loner', '--profile=general', '--', 'sh', '-c', 'ps -o pid,args']);
    await waitForPod(c, 'patient', (p) => ephemeralStatus(p, 'loner')?.state?.terminated, 'the second debug container to finish');
    const logs = await c.kubectl.ok(['logs', 'patient', '-c', 'loner']);
    expect(logs).toContain('ps -o pid,args');
    expect(logs).not.toContain('sleep 3600');
    const pod = await getPod(c, 'patient');
    expect(pod.spec.ephemeralContainers.map((e: any) => e.name)).toEqual(['dbg', 'loner']);
  });

  it('refuses a debug container named like one the pod has, and any change to existing ones', async () => {
    const clash = await c.kubectl.run(['debug', 'patient', '--image=busybox', '-c', 'app', '--profile=general', '--', 'true']);
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toContain('Duplicate value: "app"');
    const pod = await getPod(c, 'patient');
    const changed = { ...pod, spec: { ...pod.spec, ephemeralContainers: [{ ...pod.spec.ephemeralContainers[0], image: 'busybox:other' }, pod.spec.ephemeralContainers[1]] } };
    const r = await fetch(`${c.server.url}/api/v1/namespaces/default/pods/patient/ephemeralcontainers`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(changed) });
    expect(r.status).toBe(422);
    expect(((await r.json()) as { message: string }).message).toContain('existing ephemeral containers "dbg" may not be changed');
  });
});
