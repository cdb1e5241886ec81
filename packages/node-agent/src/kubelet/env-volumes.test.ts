/**
 * What a container sees: its environment (values, references, ConfigMaps, Secrets, the downward API, service
 * links) and its volumes (emptyDir on disk and in memory, configMap, secret, hostPath, downwardAPI, projected,
 * subPath), including ConfigMap updates reaching mounted files; and its resources as cgroup settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletCluster, type KubeletCluster } from '../../test-util/kubelet-cluster.js';
import { createPod, waitForEvent, waitForPod } from '../../test-util/pods.js';
import { TempDirs } from '../../test-util/temp-dir.js';
import { POD_UID } from './cri-labels.js';

let c: KubeletCluster;
const dirs = new TempDirs();

beforeAll(async () => {
  c = await startKubeletCluster({ agent: { podPidsLimit: 64 } });
  const ns = (r: string) => c.client.resource(r).namespace('default');
  await ns('v1/configmaps').create({ metadata: { name: 'settings' }, data: { color: 'blue', 'app.conf': 'level=1\n', LOG_LEVEL: 'debug' } });
  await ns('v1/secrets').create({ metadata: { name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64'), TOKEN: Buffer.from('t0k').toString('base64') } });
  await ns('v1/services').create({ metadata: { name: 'web-svc' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } });
});

afterAll(async () => {
  await c?.cleanup();
  dirs.removeAll();
});

const exec = (pod: string, ...cmd: string[]) => c.kubectl.ok(['exec', pod, '--', ...cmd]);

describe('environment', () => {
  it('has values, references, ConfigMap and Secret keys, pod fields, resources, service links and HOSTNAME', async () => {
    await createPod(
      c,
      'envpod',
      {
        containers: [
          {
            name: 'app',
            image: 'busybox',
            command: ['sh', '-c', 'echo "arg=$(GREETING)"; exec sleep 3600'],
            args: [],
            env: [
              { name: 'GREETING', value: 'hello' },
              { name: 'REF', value: '$(GREETING)-world $$(GREETING)' },
              { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'color' } } },
              { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
              { name: 'MISSING_OK', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x', optional: true } } },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
              { name: 'MEM_MB', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
            ],
            envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }],
            resources: { limits: { memory: '96Mi' } },
          },
        ],
      },
      { labels: { tier: 'front' } },
    );
    const pod = await waitForPod(c, 'envpod', (p) => p.status?.phase === 'Running' && p, 'Running');
    const env = Object.fromEntries(
      (await exec('envpod', 'env'))
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject({
      GREETING: 'hello',
      REF: 'hello-world $(GREETING)',
      COLOR: 'blue',
      PASSWORD: 's3cret',
      POD_NAME: 'envpod',
      POD_IP: pod.status.podIP,
      NODE: c.nodeName,
      TIER: 'front',
      MEM_MB: '96',
      CFG_color: 'blue',
      CFG_LOG_LEVEL: 'debug',
      TOKEN: 't0k',
      HOSTNAME: 'envpod',
      KUBERNETES_SERVICE_HOST: expect.stringMatching(/^10\.96\./),
      KUBERNETES_SERVICE_PORT: '443',
      WEB_SVC_SERVICE_HOST: expect.stringMatching(/^10\.9[6-9]|^10\.1[01]/),
      WEB_SVC_SERVICE_PORT_HTTP: '80',
      WEB_SVC_PORT_80_TCP_PROTO: 'tcp',
    });
    expect(env.MISSING_OK).toBeUndefined();
    // dots are allowed in variable names, so envFrom keeps this key (only the first line of its value shows here)
    expect(env['CFG_app.conf']).toBe('level=1');
    expect(await c.kubectl.ok(['logs', 'envpod'])).toBe('arg=hello\n');
  });
});

describe('volumes', () => {
  it('mounts emptyDir, memory-backed emptyDir, configMap, secret, hostPath, downwardAPI, projected and subPath', async () => {
    const host = dirs.make('skiff-hostpath-');
    const created = join(host, 'made-by-kubelet');
    await createPod(
      c,
      'volpod',
      {
        containers: [
          {
            name: 'app',
            image: 'busybox',
            command: ['sh', '-c', 'echo shared > /scratch/note; exec sleep 3600'],
            volumeMounts: [
              { name: 'scratch', mountPath: '/scratch' },
              { name: 'cache', mountPath: '/cache' },
              { name: 'config', mountPath: '/etc/config', readOnly: true },
              { name: 'creds', mountPath: '/etc/creds', readOnly: true },
              { name: 'host', mountPath: '/host' },
              { name: 'info', mountPath: '/etc/info' },
              { name: 'all', mountPath: '/etc/all' },
              { name: 'config', mountPath: '/etc/app.conf', subPath: 'app.conf' },
            ],
          },
          { name: 'reader', image: 'busybox', command: ['sh', '-c', 'exec sleep 3600'], volumeMounts: [{ name: 'scratch', mountPath: '/data' }] },
        ],
        volumes: [
          { name: 'scratch', emptyDir: {} },
          { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
          { name: 'config', configMap: { name: 'settings', items: [{ key: 'color', path: 'color.txt', mode: 0o600 }, { key: 'app.conf', path: 'app.conf' }] } },
          { name: 'creds', secret: { secretName: 'creds' } },
          { name: 'host', hostPath: { path: created, type: 'DirectoryOrCreate' } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
          {
            name: 'all',
            projected: {
              sources: [
                { configMap: { name: 'settings', items: [{ key: 'color', path: 'cm/color' }] } },
                { secret: { name: 'creds', items: [{ key: 'password', path: 'secret/password' }] } },
                { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
              ],
            },
          },
        ],
      },
      { labels: { app: 'vol', tier: 'back' } },
    );
    await waitForPod(c, 'volpod', (p) => p.status?.phase === 'Running', 'Running');
    expect(await c.kubectl.ok(['exec', 'volpod', '-c', 'reader', '--', 'cat', '/data/note'])).toBe('shared\n');
    expect(await exec('volpod', 'sh', '-c', "grep ' /cache ' /proc/mounts | cut -d' ' -f3")).toBe('tmpfs\n');
    expect(await exec('volpod', 'cat', '/etc/config/color.txt')).toBe('blue');
    expect(await exec('volpod', 'stat', '-L', '-c', '%a', '/etc/config/color.txt')).toBe('600\n');
    expect(await exec('volpod', 'cat', '/etc/creds/password')).toBe('s3cret');
    expect(await exec('volpod', 'cat', '/etc/info/labels')).toBe('app="vol"\ntier="back"');
    expect(await exec('volpod', 'cat', '/etc/info/name')).toBe('volpod');
    expect(await exec('volpod', 'cat', '/etc/all/cm/color', '/etc/all/secret/password', '/etc/all/ns')).toBe('blues3cretdefault');
    expect(await exec('volpod', 'cat', '/etc/app.conf')).toBe('level=1\n');
    await exec('volpod', 'sh', '-c', 'echo from-pod > /host/file');
    expect(readFileSync(join(created, 'file'), 'utf8')).toBe('from-pod\n');
    const rejected = await c.kubectl.run(['exec', 'volpod', '--', 'sh', '-c', 'echo x > /etc/config/new']);
    expect(rejected.code).not.toBe(0);
  });

  it('a missing Secret is a FailedMount event, and the pod starts once it exists', async () => {
    await createPod(c, 'waits', {
      containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exec sleep 3600'], volumeMounts: [{ name: 'key', mountPath: '/etc/key' }] }],
      volumes: [{ name: 'key', secret: { secretName: 'late-secret' } }],
    });
    const ev = await waitForEvent(c, 'waits', 'FailedMount', /^MountVolume\.SetUp failed for volume "key" : secret "late-secret" not found$/);
    expect(ev.type).toBe('Warning');
    const pending = await waitForPod(c, 'waits', (p) => p.status?.phase === 'Pending' && p, 'Pending');
    expect(pending.status.containerStatuses?.[0]?.state?.waiting?.reason ?? 'ContainerCreating').toBe('ContainerCreating');
    await c.client.resource('v1/secrets').namespace('default').create({ metadata: { name: 'late-secret' }, data: { k: Buffer.from('v').toString('base64') } });
    await waitForPod(c, 'waits', (p) => p.status?.phase === 'Running', 'Running once the Secret exists');
    expect(await exec('waits', 'cat', '/etc/key/k')).toBe('v');
  });

  it('updates mounted ConfigMap files when the ConfigMap changes (atomically, through ..data)', async () => {
    await createPod(c, 'watcher', {
      containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exec sleep 3600'], volumeMounts: [{ name: 'config', mountPath: '/etc/config' }] }],
      volumes: [{ name: 'config', configMap: { name: 'settings' } }],
    });
    await waitForPod(c, 'watcher', (p) => p.status?.phase === 'Running', 'Running');
    expect(await exec('watcher', 'cat', '/etc/config/color')).toBe('blue');
    expect(await exec('watcher', 'readlink', '/etc/config/color')).toBe('..data/color\n');
    await c.client.resource('v1/configmaps').namespace('default').patch('settings', { data: { color: 'green', extra: 'new' } }, 'merge');
    await eventually(async () => (await exec('watcher', 'cat', '/etc/config/color')) === 'green' || undefined, 'the new color in the file');
    expect(await exec('watcher', 'cat', '/etc/config/extra')).toBe('new');
  });
});

describe('resources', () => {
  it('become cgroup settings: cpu shares and quota, memory limit, and the pod pids limit', async () => {
    const pod = await createPod(c, 'limited', {
      containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exec sleep 3600'], resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } }],
    });
    await waitForPod(c, 'limited', (p) => p.status?.phase === 'Running', 'Running');
    const uid = pod.metadata.uid;
    const { containers } = await c.runtime.client.listContainers({ filter: { labelSelector: { [POD_UID]: uid } } });
    const podCgroup = `${c.runtime.cgroupParent}/pods/pod${uid}`;
    const cg = (controller: string, file: string) => readFileSync(join('/sys/fs/cgroup', controller, podCgroup, containers[0]!.id, file), 'utf8').trim();
    expect(cg('cpu', 'cpu.shares')).toBe('256');
    expect(cg('cpu', 'cpu.cfs_quota_us')).toBe('50000');
    expect(cg('cpu', 'cpu.cfs_period_us')).toBe('100000');
    expect(cg('memory', 'memory.limit_in_bytes')).toBe(String(128 * 1024 * 1024));
    expect(readFileSync(join('/sys/fs/cgroup/pids', podCgroup, 'pids.max'), 'utf8').trim()).toBe('64');
    // the pod's processes together cannot pass the pod's limit
    const forks = await c.kubectl.run(['exec', 'limited', '--', 'sh', '-c', 'for i in $(seq 1 100); do sleep 1 & done; wait']);
    expect(forks.stderr + forks.stdout).toMatch(/can't fork|Resource temporarily unavailable/);
    expect(existsSync(join('/sys/fs/cgroup/pids', podCgroup))).toBe(true);
  });
});
