import { readFileSync, readdirSync, rmdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@skiff/test-util';
import { afterEach, describe, expect, it } from 'vitest';
import { containerdInstalled, startContainerd, type Containerd } from '../../test-util/containerd.js';
import { containerConfig, parseCriLog, podConfig } from '../../test-util/cri-configs.js';
import { TempDirs } from '../../test-util/temp-dir.js';
import { buildBusyboxImage } from '../images/busybox-image.js';
import { exportDockerArchive } from '../images/image-export.js';
import { ImageStore } from '../images/image-store.js';
import { createCriClient, type CriClient } from './cri-client.js';

const temp = new TempDirs();
let containerd: Containerd | undefined;
let client: CriClient | undefined;
const cgroupParent = `/skiff-ctrd-test-${process.pid}`;

afterEach(async () => {
  if (client) {
    for (const s of (await client.listPodSandbox({}).catch(() => ({ items: [] }))).items) {
      await client.stopPodSandbox({ podSandboxId: s.id }).catch(() => undefined);
      await client.removePodSandbox({ podSandboxId: s.id }).catch(() => undefined);
    }
    client.close();
    client = undefined;
  }
  await containerd?.stop();
  containerd = undefined;
  for (const controller of readdirSync('/sys/fs/cgroup')) {
    const dir = join('/sys/fs/cgroup', controller, cgroupParent);
    if (!existsSync(dir)) continue;
    for (const child of readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) rmdirSync(join(dir, child.name));
    rmdirSync(dir);
  }
  temp.removeAll();
});

describe('the CRI client against Debian containerd', () => {
  it('drives a pod through containerd CRI plugin with the same client the kubelet will use', async () => {
    expect(containerdInstalled(), 'containerd and ctr must be installed: apt-get install -y containerd').toBe(true);
    // our busybox image, and a pause image from the same layer that just sleeps: containerd cannot pull either here
    const work = temp.make();
    const store = await ImageStore.open(join(work, 'images'));
    await buildBusyboxImage(store);
    await buildBusyboxImage(store, { names: ['skiff.local/pause:test'], entrypoint: ['/bin/sleep', '2147483647'] });
    const archive = join(work, 'busybox.tar');
    await exportDockerArchive(store, ['busybox', 'skiff.local/pause:test'], archive);

    containerd = await startContainerd({ sandboxImage: 'skiff.local/pause:test' });
    containerd.ctr('images', 'import', '--snapshotter', 'native', archive);
    client = createCriClient(containerd.socket);
    await client.waitForReady(30_000);

    expect(await client.version({ version: 'v1' })).toMatchObject({ runtimeName: 'containerd', runtimeApiVersion: 'v1' });
    const { status } = await client.status({});
    expect(status?.conditions.find((c) => c.type === 'RuntimeReady')?.status).toBe(true);
    const busybox = await client.imageStatus({ image: { image: 'busybox' } });
    expect(busybox.image?.repoTags).toContain('docker.io/library/busybox:latest');
    expect(busybox.image?.id).toBe(store.get('busybox')!.id);

    const logs = temp.make();
    // no CNI config is given to containerd, so the pod uses the node's network
    const config = podConfig('ctrd', logs, {
      hostname: '',
      linux: { cgroupParent, securityContext: { namespaceOptions: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } },
    });
    const { podSandboxId } = await client.runPodSandbox({ config });
    expect((await client.podSandboxStatus({ podSandboxId })).status?.state).toBe('SANDBOX_READY');
    const { containerId } = await client.createContainer({
      podSandboxId,
      config: containerConfig('hello', ['sh', '-c', 'echo hello from containerd; echo err >&2; exec sleep 600']),
      sandboxConfig: config,
    });
    await client.startContainer({ containerId });
    expect((await client.containerStatus({ containerId })).status?.state).toBe('CONTAINER_RUNNING');

    const sync = await client.execSync({ containerId, cmd: ['sh', '-c', 'echo exec-ok; exit 3'], timeout: 30 });
    expect(sync).toMatchObject({ exitCode: 3 });
    expect(sync.stdout.toString()).toBe('exec-ok\n');
    expect((await client.exec({ containerId, cmd: ['sh'], stdin: true, stdout: true })).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exec\//);

    const logPath = join(logs, 'hello/0.log');
    const lines = await eventually(() => {
      try {
        const parsed = parseCriLog(readFileSync(logPath, 'utf8'));
        return parsed.length >= 2 ? parsed : undefined;
      } catch {
        return undefined;
      }
    }, 'containerd to write the CRI log');
    expect(lines.map((l) => [l.stream, l.tag, l.text]).sort()).toEqual([['stderr', 'F', 'err'], ['stdout', 'F', 'hello from containerd']]);

    await client.stopContainer({ containerId, timeout: 5 });
    // SIGTERM ends sleep (as PID 1 with no handler, signalled from the parent namespace): 128 + 15
    expect((await client.containerStatus({ containerId })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 143 });
    await client.removeContainer({ containerId });
    await client.stopPodSandbox({ podSandboxId });
    await client.removePodSandbox({ podSandboxId });
    expect((await client.listPodSandbox({})).items).toEqual([]);
  });
});
