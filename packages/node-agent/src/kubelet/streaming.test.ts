/**
 * kubectl logs, exec and port-forward through the API server, which proxies them to this node agent's API
 * (containerLogs, exec over WebSocket, portForward over SPDY), which bridges to the runtime's streaming server.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletCluster, type KubeletCluster } from '../../test-util/kubelet-cluster.js';
import { containerStatus, createPod, waitForPod } from '../../test-util/pods.js';

let c: KubeletCluster;

beforeAll(async () => {
  c = await startKubeletCluster();
  const follow = 'for i in 1 2 3 4 5; do echo line $i; done; while true; do if [ -f /tmp/go ]; then echo after-follow; rm /tmp/go; fi; if [ -f /tmp/stop ]; then exit 0; fi; sleep 0.1; done';
  await createPod(c, 'talker', {
    restartPolicy: 'Never',
    containers: [
      { name: 'main', image: 'busybox', command: ['sh', '-c', follow] },
      { name: 'side', image: 'busybox', command: ['sh', '-c', 'echo from-side; echo side-err >&2; exec sleep 3600'] },
    ],
  });
  const thrice = 'n=$(cat /d/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /d/n; echo "run $n"; if [ $n -ge 3 ]; then exec sleep 3600; fi; exit 1';
  await createPod(c, 'thrice', {
    restartPolicy: 'OnFailure',
    containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', thrice], volumeMounts: [{ name: 'd', mountPath: '/d' }] }],
    volumes: [{ name: 'd', emptyDir: {} }],
  });
  const web = 'mkdir -p /www; echo hello-from-pod > /www/index.html; head -c 2000000 /dev/urandom > /www/big; exec httpd -f -p 8080 -h /www';
  await createPod(c, 'web', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', web], ports: [{ containerPort: 8080 }] }] });
  for (const name of ['talker', 'web']) await waitForPod(c, name, (p) => p.status?.phase === 'Running', 'Running');
});

afterAll(async () => {
  await c?.cleanup();
});

describe('kubectl logs', () => {
  it('prints a container log, its tail, and its timestamps; -c picks the container', async () => {
    await waitForPod(c, 'talker', () => true, 'exists');
    expect(await c.kubectl.ok(['logs', 'talker', '-c', 'main'])).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
    expect(await c.kubectl.ok(['logs', 'talker', '-c', 'main', '--tail=2'])).toBe('line 4\nline 5\n');
    const stamped = await c.kubectl.ok(['logs', 'talker', '-c', 'main', '--timestamps', '--tail=1']);
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line 5\n$/);
    const side = await c.kubectl.ok(['logs', 'talker', '-c', 'side']);
    expect(side.split('\n').sort()).toEqual(['', 'from-side', 'side-err']);
  });

  it('defaults to the first container when the pod has several, as kubectl 1.32 does', async () => {
    const r = await c.kubectl.run(['logs', 'talker', '--tail=1']);
    expect(r.stdout).toBe('line 5\n');
    expect(r.stderr).toMatch(/Defaulted container "main" out of: main, side/);
  });

  it('-f follows new output and ends when the container exits', async () => {
    const follow = c.kubectl.spawn(['logs', '-f', 'talker', '-c', 'main', '--tail=1']);
    try {
      await follow.waitFor(/line 5\n/);
      await c.kubectl.ok(['exec', 'talker', '-c', 'main', '--', 'touch', '/tmp/go']);
      await follow.waitFor(/after-follow\n/);
      await c.kubectl.ok(['exec', 'talker', '-c', 'main', '--', 'touch', '/tmp/stop']);
      expect(await follow.exited()).toBe(0);
      expect(follow.output()).toBe('line 5\nafter-follow\n');
    } finally {
      await follow.stop();
    }
  });

  it('--previous shows the instance before the current one', async () => {
    await waitForPod(c, 'thrice', (p) => containerStatus(p, 'app')?.state?.running && containerStatus(p, 'app').restartCount === 2, 'third run');
    expect(await c.kubectl.ok(['logs', 'thrice'])).toBe('run 3\n');
    expect(await c.kubectl.ok(['logs', 'thrice', '--previous'])).toBe('run 2\n');
    const none = await c.kubectl.run(['logs', 'web', '--previous']);
    expect(none.stderr).toMatch(/previous terminated container "app" in pod "web" not found/);
  });
});

describe('kubectl exec', () => {
  it('runs a command with stdout, stderr and its exit code', async () => {
    const r = await c.kubectl.run(['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toMatch(/^err\n/);
    expect(r.stderr).toMatch(/command terminated with exit code 3/);
    expect(r.code).toBe(3);
  });

  it('into a container that has exited says so, as the kubelet does, whichever protocol kubectl tried last', async () => {
    await createPod(c, 'halfdone', {
      restartPolicy: 'Never',
      containers: [
        { name: 'quick', image: 'busybox', command: ['true'] },
        { name: 'stay', image: 'busybox', command: ['sleep', '3600'] },
      ],
    });
    await waitForPod(c, 'halfdone', (p) => containerStatus(p, 'quick')?.state?.terminated !== undefined && containerStatus(p, 'stay')?.state?.running !== undefined, 'quick done, stay running');
    const r = await c.kubectl.run(['exec', 'halfdone', '-c', 'quick', '--', 'true']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('container not found ("quick")');
    expect(r.stderr).not.toContain('SPDY');
  });

  it('-i passes stdin through; -c picks the container', async () => {
    expect(await c.kubectl.ok(['exec', '-i', 'web', '--', 'sh', '-c', 'tr a-z A-Z'], { stdin: 'shout this\n' })).toBe('SHOUT THIS\n');
    expect(await c.kubectl.ok(['exec', 'talker', '-c', 'side', '--', 'echo', 'side-exec'])).toBe('side-exec\n');
  });
});

describe('kubectl attach', () => {
  it('streams the output of a running container', async () => {
    await createPod(c, 'ticker', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done'] }] });
    await waitForPod(c, 'ticker', (p) => p.status?.phase === 'Running', 'Running');
    const attach = c.kubectl.spawn(['attach', 'ticker']);
    try {
      await attach.waitFor(/tick \d+\ntick \d+\n/);
    } finally {
      await attach.stop();
    }
  });
});

describe('kubectl port-forward', () => {
  it('forwards local connections to the pod port, byte for byte', async () => {
    const pf = c.kubectl.spawn(['port-forward', 'pod/web', ':8080']);
    try {
      const out = await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+) -> 8080/);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(out)![1]);
      for (let i = 0; i < 3; i++) expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hello-from-pod\n');
      const body = Buffer.from(await (await fetch(`http://127.0.0.1:${port}/big`)).arrayBuffer());
      const inPod = await c.kubectl.ok(['exec', 'web', '--', 'md5sum', '/www/big']);
      expect(createHash('md5').update(body).digest('hex')).toBe(inPod.split(' ')[0]);
    } finally {
      await pf.stop();
    }
  });

  it('reports a port nothing listens on', async () => {
    const pf = c.kubectl.spawn(['port-forward', 'pod/web', ':9999']);
    try {
      const out = await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+) -> 9999/);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(out)![1]);
      await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.text(),
        () => '',
      );
      // the runtime's failure to connect travels back on the SPDY error stream and kubectl prints it
      await pf.waitFor(/an error occurred forwarding \d+ -> 9999: connecting to port 9999 in the pod failed: connect ECONNREFUSED/);
    } finally {
      await pf.stop();
    }
  });
});
