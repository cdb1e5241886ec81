/**
 * Probes against real containers: exec (through the runtime's ExecSync), httpGet and tcpSocket (from the node to
 * the pod IP), grpc (a health server in this process, probed at the host IP of a host-network pod). Liveness and
 * startup failures restart containers; readiness flips the Ready condition both ways.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletCluster, type KubeletCluster } from '../../test-util/kubelet-cluster.js';
import { condition, containerStatus, createPod, waitForEvent, waitForPod } from '../../test-util/pods.js';

let c: KubeletCluster;

beforeAll(async () => {
  c = await startKubeletCluster();
});

afterAll(async () => {
  await c?.cleanup();
});

const fast = { periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 1, successThreshold: 1 };
const sh = (script: string) => ['sh', '-c', script];

describe('readiness', () => {
  it('exec: Ready follows the command, both ways, with Unhealthy events while it fails', async () => {
    await createPod(c, 'ready-exec', {
      containers: [{ name: 'app', image: 'busybox', command: sh('sleep 2; touch /tmp/ready; exec sleep 3600'), readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, ...fast } }],
    });
    const early = await waitForPod(c, 'ready-exec', (p) => p.status?.phase === 'Running' && p, 'Running');
    expect(condition(early, 'Ready')).toBe('False');
    await waitForPod(c, 'ready-exec', (p) => condition(p, 'Ready') === 'True', 'Ready');
    await c.kubectl.ok(['exec', 'ready-exec', '--', 'rm', '/tmp/ready']);
    const unready = await waitForPod(c, 'ready-exec', (p) => condition(p, 'Ready') === 'False' && p, 'not Ready again');
    expect(containerStatus(unready, 'app')).toMatchObject({ ready: false, restartCount: 0, state: { running: {} } });
    await waitForEvent(c, 'ready-exec', 'Unhealthy', /^Readiness probe failed: cat: can't open '\/tmp\/ready'/);
  });

  it('tcpSocket on a named port: Ready once something listens', async () => {
    await createPod(c, 'ready-tcp', {
      containers: [
        {
          name: 'app',
          image: 'busybox',
          command: sh('sleep 2; mkdir -p /www; exec httpd -f -p 9000 -h /www'),
          ports: [{ name: 'svc', containerPort: 9000 }],
          readinessProbe: { tcpSocket: { port: 'svc' }, ...fast },
        },
      ],
    });
    await waitForPod(c, 'ready-tcp', (p) => condition(p, 'Ready') === 'True', 'Ready');
    const ev = await waitForEvent(c, 'ready-tcp', 'Unhealthy', /^Readiness probe failed: dial tcp [\d.]+:9000: connect: connection refused$/);
    expect(ev.type).toBe('Warning');
  });

  it('grpc: Ready follows the health service status', async () => {
    let serving = 1;
    const server = new grpc.Server();
    server.addService(
      {
        Check: {
          path: '/grpc.health.v1.Health/Check',
          requestStream: false,
          responseStream: false,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (status: number) => Buffer.from([0x08, status]),
          responseDeserialize: (b: Buffer) => b[1],
        },
      } as grpc.ServiceDefinition,
      { Check: (_call: unknown, cb: (err: null, status: number) => void) => cb(null, serving) } as unknown as grpc.UntypedServiceImplementation,
    );
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    try {
      await createPod(c, 'ready-grpc', {
        hostNetwork: true,
        containers: [{ name: 'app', image: 'busybox', command: sh('exec sleep 3600'), readinessProbe: { grpc: { port }, ...fast } }],
      });
      const pod = await waitForPod(c, 'ready-grpc', (p) => condition(p, 'Ready') === 'True' && p, 'Ready while SERVING');
      expect(pod.status.podIP).toBe('127.0.0.1');
      serving = 2;
      await waitForPod(c, 'ready-grpc', (p) => condition(p, 'Ready') === 'False', 'not Ready while NOT_SERVING');
      await waitForEvent(c, 'ready-grpc', 'Unhealthy', /^Readiness probe failed: service unhealthy \(responded with "NOT_SERVING"\)$/);
    } finally {
      server.forceShutdown();
    }
  });
});

describe('liveness', () => {
  it('httpGet: a failing check restarts the container, with Unhealthy and Killing events', async () => {
    const script = 'mkdir -p /www; echo ok > /www/healthz; (sleep 3; rm /www/healthz) & exec httpd -f -p 8080 -h /www';
    await createPod(c, 'live-http', {
      containers: [{ name: 'app', image: 'busybox', command: sh(script), livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, ...fast, failureThreshold: 2 } }],
    });
    const pod = await waitForPod(c, 'live-http', (p) => (containerStatus(p, 'app')?.restartCount ?? 0) >= 1 && p, 'restarted by liveness', 90_000);
    expect(containerStatus(pod, 'app').lastState.terminated).toBeTruthy();
    await waitForEvent(c, 'live-http', 'Unhealthy', /^Liveness probe failed: HTTP probe failed with statuscode: 404$/);
    await waitForEvent(c, 'live-http', 'Killing', /^Container app failed liveness probe, will be restarted$/);
  });

  it('waits for the startup probe before liveness and readiness run', async () => {
    await createPod(c, 'startup-ok', {
      containers: [
        {
          name: 'app',
          image: 'busybox',
          command: sh('sleep 3; touch /tmp/up; exec sleep 3600'),
          startupProbe: { exec: { command: ['cat', '/tmp/up'] }, periodSeconds: 1, failureThreshold: 30 },
          livenessProbe: { exec: { command: ['cat', '/tmp/up'] }, ...fast },
          readinessProbe: { exec: { command: ['cat', '/tmp/up'] }, ...fast },
        },
      ],
    });
    const notStarted = await waitForPod(c, 'startup-ok', (p) => p.status?.phase === 'Running' && p, 'Running');
    expect(containerStatus(notStarted, 'app')).toMatchObject({ started: false, ready: false });
    const pod = await waitForPod(c, 'startup-ok', (p) => condition(p, 'Ready') === 'True' && p, 'Ready');
    // liveness would have killed it had it run before the startup probe passed
    expect(containerStatus(pod, 'app')).toMatchObject({ started: true, ready: true, restartCount: 0 });
  });

  it('a startup probe that never passes restarts the container', async () => {
    await createPod(c, 'startup-bad', {
      containers: [{ name: 'app', image: 'busybox', command: sh('exec sleep 3600'), startupProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 2 } }],
    });
    await waitForPod(c, 'startup-bad', (p) => (containerStatus(p, 'app')?.restartCount ?? 0) >= 1, 'restarted by the startup probe', 90_000);
    await waitForEvent(c, 'startup-bad', 'Killing', /^Container app failed startup probe, will be restarted$/);
  });
});
