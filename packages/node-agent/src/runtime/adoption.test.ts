import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@skiff/test-util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { containerConfig, parseCriLog, podConfig } from '../../test-util/cri-configs.js';
import { startRuntimeFixture, tempImageRoot, type RuntimeFixture } from '../../test-util/runtime-fixture.js';
import { TempDirs } from '../../test-util/temp-dir.js';
import { createCriClient } from '../cri/cri-client.js';

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

const ticker = ['sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done'];

function ticks(logPath: string): number[] {
  return parseCriLog(readFileSync(logPath, 'utf8')).map((l) => Number(l.text.split(' ')[1]));
}

describe('runtime restarts', () => {
  it('adopt a running container: same process, logs continue, exec and stop still work', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const logs = temp.make();
    const { podSandboxId } = await f.client.runPodSandbox({ config: podConfig('steady', logs) });
    const { containerId } = await f.client.createContainer({ podSandboxId, config: containerConfig('tick', ticker) });
    await f.client.startContainer({ containerId });
    const before = await f.client.containerStatus({ containerId, verbose: true });
    const logPath = join(logs, 'tick/0.log');
    await eventually(() => ticks(logPath).length >= 3 || undefined, 'ticks before the restart');

    await f.stop();
    await f.start();

    const after = await f.client.containerStatus({ containerId, verbose: true });
    expect(after.status?.state).toBe('CONTAINER_RUNNING');
    expect(JSON.parse(after.info.info).pid).toBe(JSON.parse(before.info.info).pid);
    const count = ticks(logPath).length;
    await eventually(() => ticks(logPath).length >= count + 3 || undefined, 'ticks after the restart');
    const seen = ticks(logPath);
    // every tick the container printed is in the log once, in order: nothing lost or doubled across the restart
    expect(seen).toEqual(seen.map((_, i) => i));
    expect((await f.client.execSync({ containerId, cmd: ['echo', 'still here'] })).stdout.toString()).toBe('still here\n');
    await f.client.stopContainer({ containerId, timeout: 0 });
    expect((await f.client.containerStatus({ containerId })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 137 });
  });

  it('report the exit status of a container that ended while no runtime was running', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const { podSandboxId } = await f.client.runPodSandbox({ config: podConfig('brief', temp.make()) });
    const { containerId } = await f.client.createContainer({ podSandboxId, config: containerConfig('c', ['sh', '-c', 'while [ ! -e /tmp/go ]; do sleep 0.05; done; exit 42']) });
    await f.client.startContainer({ containerId });
    await f.stop();
    // only now, with no runtime running, let the container finish (through its rootfs mount)
    writeFileSync(join(f.root, 'containers', containerId, 'rootfs', 'tmp', 'go'), '');
    await eventually(() => {
      try {
        return readFileSync(join(f!.root, 'containers', containerId, 'exit'), 'utf8');
      } catch {
        return undefined;
      }
    }, 'the shim to record the exit');
    await f.start();
    expect((await f.client.containerStatus({ containerId })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 42, reason: 'Error' });
  });

  it('survive a SIGKILL of the skiff-cri process', async () => {
    f = await startRuntimeFixture({ imageRoot });
    await f.stop();
    const o = f.options;
    const args = [
      '--import', 'tsx', join(import.meta.dirname, '..', 'bin', 'skiff-cri.ts'),
      '--root', o.root, '--pod-cidr', o.podCidr!, '--bridge', o.bridge!, '--no-ip-masq', '--cgroup-parent', o.cgroupParent!, '--log-level', 'warn',
    ];
    const cri = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    cri.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise((resolve) => cri.once('exit', resolve));
    try {
      const client = createCriClient(join(o.root, 'skiff-cri.sock'));
      await eventually(() => client.version({}).then(() => true, () => undefined), `skiff-cri to serve (stderr: ${stderr})`, 60_000);
      const logs = temp.make();
      const { podSandboxId } = await client.runPodSandbox({ config: podConfig('crashy', logs) });
      const { containerId } = await client.createContainer({ podSandboxId, config: containerConfig('tick', ticker) });
      await client.startContainer({ containerId });
      client.close();
      const logPath = join(logs, 'tick/0.log');
      await eventually(() => ticks(logPath).length >= 2 || undefined, 'ticks from the first runtime');
      cri.kill('SIGKILL');
      await exited;

      await f.start();
      expect((await f.client.containerStatus({ containerId })).status?.state).toBe('CONTAINER_RUNNING');
      const count = ticks(logPath).length;
      await eventually(() => ticks(logPath).length >= count + 3 || undefined, 'ticks after the crash');
      const seen = ticks(logPath);
      expect(seen).toEqual(seen.map((_, i) => i));
    } finally {
      if (cri.exitCode === null) cri.kill('SIGKILL');
    }
  });
});
