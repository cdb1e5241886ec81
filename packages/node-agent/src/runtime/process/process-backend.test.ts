import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@skiff/test-util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelSession } from '../../../test-util/channel-client.js';
import { containerConfig, parseCriLog, podConfig } from '../../../test-util/cri-configs.js';
import { startRuntimeFixture, tempImageRoot, type RuntimeFixture } from '../../../test-util/runtime-fixture.js';
import { TempDirs } from '../../../test-util/temp-dir.js';
import { nodeAddress } from './process-backend.js';

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

describe('the process backend', () => {
  it('serves the same CRI surface with host processes: logs, exec, stop with grace, adoption', async () => {
    f = await startRuntimeFixture({ imageRoot, backend: 'process' });
    const { client } = f;
    const { status, info } = await client.status({ verbose: true });
    expect(status?.conditions.find((c) => c.type === 'RuntimeReady')?.message).toMatch(/not isolated/);
    expect(JSON.parse(info.config)).toMatchObject({ backend: 'process', isolated: false });

    const logs = temp.make();
    const { podSandboxId } = await client.runPodSandbox({ config: podConfig('plain', logs) });
    expect((await client.podSandboxStatus({ podSandboxId })).status?.network?.ip).toBe(nodeAddress());
    const script = 'echo started; trap "echo stopping; exit 3" TERM; while true; do sleep 0.1; done';
    const { containerId } = await client.createContainer({ podSandboxId, config: containerConfig('svc', ['sh', '-c', script]) });
    await client.startContainer({ containerId });
    const logPath = join(logs, 'svc/0.log');
    await eventually(() => {
      try {
        return parseCriLog(readFileSync(logPath, 'utf8')).some((l) => l.text === 'started') || undefined;
      } catch {
        return undefined;
      }
    }, 'the first log line');

    // the image's busybox answers, found through the image's PATH
    const sync = await client.execSync({ containerId, cmd: ['sh', '-c', 'echo $((2+3)); readlink -f /proc/$$/exe'] });
    expect(sync.stdout.toString().split('\n')[0]).toBe('5');
    expect(sync.stdout.toString()).toContain(f.runtime.images.get('busybox')!.rootfs);
    const streamed = await channelSession((await client.exec({ containerId, cmd: ['cat'], stdin: true, stdout: true })).url, 'through stdin\n');
    expect(streamed).toMatchObject({ stdout: 'through stdin\n', status: { status: 'Success' } });

    await f.restart();
    expect((await f.client.containerStatus({ containerId })).status?.state).toBe('CONTAINER_RUNNING');
    await f.client.stopContainer({ containerId, timeout: 20 });
    expect((await f.client.containerStatus({ containerId })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 3 });
    expect(parseCriLog(readFileSync(logPath, 'utf8')).map((l) => l.text)).toEqual(['started', 'stopping']);
  });
});
