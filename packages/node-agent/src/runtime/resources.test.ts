import { readFileSync, rmSync } from 'node:fs';
import { eventually } from '@skiff/test-util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { containerConfig, podConfig } from '../../test-util/cri-configs.js';
import { startRuntimeFixture, tempImageRoot, type RuntimeFixture } from '../../test-util/runtime-fixture.js';
import { TempDirs } from '../../test-util/temp-dir.js';

const temp = new TempDirs();
let imageRoot: string;
let f: RuntimeFixture | undefined;

beforeAll(() => {
  imageRoot = tempImageRoot();
});
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
  temp.removeAll();
});
afterAll(() => rmSync(imageRoot, { recursive: true, force: true }));

const MiB = 1024 * 1024;
const cgroupFile = (controller: string, path: string, file: string) => readFileSync(`/sys/fs/cgroup/${controller}${path}/${file}`, 'utf8').trim();

describe('container resources', () => {
  it('reports OOMKilled when a container goes past its memory limit', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const { podSandboxId } = await f.client.runPodSandbox({ config: podConfig('hungry', temp.make()) });
    // dd with a 64 MiB block size allocates and fills a 64 MiB buffer: four times the limit
    const { containerId } = await f.client.createContainer({
      podSandboxId,
      config: containerConfig('eater', ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=4'], {
        linux: { resources: { memoryLimitInBytes: 16 * MiB } },
      }),
    });
    await f.client.startContainer({ containerId });
    const status = await eventually(async () => {
      const s = (await f!.client.containerStatus({ containerId })).status;
      return s?.state === 'CONTAINER_EXITED' ? s : undefined;
    }, 'the OOM kill');
    expect(status).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(status.message).toMatch(/memory/);
  });

  it('applies memory, cpu shares and quota and the pids limit as cgroup settings, and updates them', async () => {
    f = await startRuntimeFixture({ imageRoot, pidsLimit: 64 });
    const { podSandboxId } = await f.client.runPodSandbox({ config: podConfig('limited', temp.make()) });
    const { containerId } = await f.client.createContainer({
      podSandboxId,
      config: containerConfig('c', ['sleep', '600'], {
        linux: { resources: { memoryLimitInBytes: 48 * MiB, cpuShares: 512, cpuQuota: 50_000, cpuPeriod: 100_000 } },
      }),
    });
    await f.client.startContainer({ containerId });
    const path = `${f.cgroupParent}/${containerId}`;
    expect(Number(cgroupFile('memory', path, 'memory.limit_in_bytes'))).toBe(48 * MiB);
    expect(cgroupFile('cpu', path, 'cpu.shares')).toBe('512');
    expect(cgroupFile('cpu', path, 'cpu.cfs_quota_us')).toBe('50000');
    expect(cgroupFile('cpu', path, 'cpu.cfs_period_us')).toBe('100000');
    expect(cgroupFile('pids', path, 'pids.max')).toBe('64');

    await f.client.updateContainerResources({ containerId, linux: { memoryLimitInBytes: 96 * MiB, cpuShares: 1024 } });
    expect(Number(cgroupFile('memory', path, 'memory.limit_in_bytes'))).toBe(96 * MiB);
    expect(cgroupFile('cpu', path, 'cpu.shares')).toBe('1024');
    const { status } = await f.client.containerStatus({ containerId });
    expect(status?.resources?.linux).toMatchObject({ memoryLimitInBytes: 96 * MiB, cpuShares: 1024 });

    // a fork bomb stops at the pids limit instead of taking the node down
    const forks = await f.client.execSync({ containerId, cmd: ['sh', '-c', 'for i in $(seq 1 100); do sleep 30 >/dev/null 2>&1 & done 2>/dev/null; ls /proc | grep -c "^[0-9]"'], timeout: 60 });
    expect(Number(forks.stdout.toString().trim())).toBeLessThanOrEqual(64);

    const { stats } = await f.client.containerStats({ containerId });
    expect(stats?.memory?.workingSetBytes?.value).toBeGreaterThan(0);
    expect(stats?.memory?.availableBytes?.value).toBeLessThanOrEqual(96 * MiB);
    expect(stats?.cpu?.usageCoreNanoSeconds?.value).toBeGreaterThan(0);
    const listed = await f.client.listContainerStats({ filter: { podSandboxId } });
    expect(listed.stats.map((s) => s.attributes?.id)).toEqual([containerId]);
  });
});
