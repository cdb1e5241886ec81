import { mkdtempSync, rmSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CriClient } from '../../cri/cri-client.js';
import { HostStatsSource } from './host-stats-source.js';

const dir = mkdtempSync(join(os.tmpdir(), 'skiff-eviction-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Only ImageFsInfo is asked for node signals; the pods' usage is covered by node-pressure.test.ts on a real runtime. */
function runtimeAnswering(imageFsInfo: () => Promise<any>): CriClient {
  return { imageFsInfo } as unknown as CriClient;
}

function source(cri: CriClient): HostStatsSource {
  return new HostStatsSource({ cri, nodefsPath: dir, podLogsDir: join(dir, 'logs'), volumeDir: () => dir, cgroupParent: '/skiff/test' });
}

describe('HostStatsSource.node', () => {
  it('measures this machine: memory, the node filesystem, the image filesystem the runtime names, and pids', async () => {
    const fs = await statfs('/');
    const observed = await source(runtimeAnswering(async () => ({ imageFilesystems: [{ fsId: { mountpoint: '/' } }], containerFilesystems: [] }))).node();
    expect(observed['memory.available']!.capacity).toBeGreaterThan(0);
    expect(observed['memory.available']!.available).toBeLessThanOrEqual(observed['memory.available']!.capacity);
    expect(observed['nodefs.available']!.capacity).toBeGreaterThan(0);
    expect(observed['imagefs.available']!.capacity).toBe(fs.blocks * fs.bsize);
    expect(observed['pid.available']!.available).toBeLessThan(observed['pid.available']!.capacity);
  });

  it('takes the node filesystem for the image filesystem when the runtime cannot say', async () => {
    const observed = await source(runtimeAnswering(async () => Promise.reject(new Error('unimplemented')))).node();
    expect(observed['imagefs.available']!.capacity).toBe(observed['nodefs.available']!.capacity);
  });
});
