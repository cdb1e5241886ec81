import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { eventually } from '@skiff/test-util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelSession } from '../../test-util/channel-client.js';
import { containerConfig, parseCriLog, podConfig } from '../../test-util/cri-configs.js';
import { startRuntimeFixture, tempImageRoot, type RuntimeFixture } from '../../test-util/runtime-fixture.js';
import { TempDirs } from '../../test-util/temp-dir.js';
import { isNodeAgentError } from '../errors.js';

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
afterAll(() => {
  rmSync(imageRoot, { recursive: true, force: true });
});

async function grpcCodeOf(p: Promise<unknown>): Promise<number | undefined> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  return isNodeAgentError(err) ? err.grpcCode : undefined;
}

describe('the Skiff CRI runtime over runc', () => {
  it('runs a busybox pod through the CRI client: status, CRI logs, exec, graceful stop and removal', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const { client } = f;
    const logs = temp.make();

    expect(await client.version({ version: 'v1' })).toMatchObject({
      runtimeName: 'skiff',
      runtimeApiVersion: 'v1',
      runtimeVersion: expect.stringMatching(/^\d+\.\d+\.\d+\+runc\.[0-9A-Za-z.-]+$/),
    });
    const { status } = await client.status({});
    expect(status?.conditions.map((c) => [c.type, c.status])).toEqual([['RuntimeReady', true], ['NetworkReady', true]]);

    const { podSandboxId } = await client.runPodSandbox({ config: podConfig('web', logs) });
    const sandbox = await client.podSandboxStatus({ podSandboxId });
    expect(sandbox.status?.state).toBe('SANDBOX_READY');
    const prefix = f.podCidr.split('.').slice(0, 3).join('.');
    expect(sandbox.status?.network?.ip.startsWith(`${prefix}.`)).toBe(true);

    const script = 'echo hello; echo oops >&2; trap "echo got TERM; exit 3" TERM; while true; do sleep 0.2; done';
    const { containerId } = await client.createContainer({
      podSandboxId,
      config: containerConfig('main', ['sh', '-c', script]),
      sandboxConfig: podConfig('web', logs),
    });
    expect((await client.containerStatus({ containerId })).status?.state).toBe('CONTAINER_CREATED');
    await client.startContainer({ containerId });
    const running = await client.containerStatus({ containerId, verbose: true });
    expect(running.status).toMatchObject({ state: 'CONTAINER_RUNNING', logPath: join(logs, 'main/0.log'), imageRef: expect.stringContaining('docker.io/library/busybox@sha256:') });
    expect(running.status!.startedAt).toBeGreaterThanOrEqual(running.status!.createdAt);
    expect(JSON.parse(running.info.info).pid).toBeGreaterThan(0);

    const logPath = join(logs, 'main/0.log');
    const lines = await eventually(() => {
      const parsed = existsSync(logPath) ? parseCriLog(readFileSync(logPath, 'utf8')) : [];
      return parsed.length >= 2 ? parsed : undefined;
    }, 'the first log lines');
    expect(lines.map((l) => [l.stream, l.tag, l.text]).sort()).toEqual([['stderr', 'F', 'oops'], ['stdout', 'F', 'hello']]);
    expect(lines[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);

    const sync = await client.execSync({ containerId, cmd: ['sh', '-c', 'echo $((6*7)); hostname; echo bad >&2; exit 4'], timeout: 30 });
    expect(sync.stdout.toString()).toBe('42\nweb\n');
    expect(sync.stderr.toString()).toBe('bad\n');
    expect(sync.exitCode).toBe(4);

    const { url } = await client.exec({ containerId, cmd: ['sh'], stdin: true, stdout: true, stderr: true });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exec\//);
    const session = await channelSession(url, 'echo from-stdin; echo to-err >&2; exit 0\n');
    expect(session).toMatchObject({ stdout: 'from-stdin\n', stderr: 'to-err\n', status: { status: 'Success' } });
    const failing = await channelSession((await client.exec({ containerId, cmd: ['sh', '-c', 'exit 7'], stdout: true })).url);
    expect(failing.status?.status).toBe('Failure');
    expect(failing.status?.details?.causes).toEqual([{ reason: 'ExitCode', message: '7' }]);

    await client.stopContainer({ containerId, timeout: 20 });
    const stopped = await client.containerStatus({ containerId });
    expect(stopped.status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 3, reason: 'Error' });
    expect(stopped.status!.finishedAt).toBeGreaterThanOrEqual(stopped.status!.startedAt);
    expect(parseCriLog(readFileSync(logPath, 'utf8')).map((l) => l.text)).toContain('got TERM');

    await client.removeContainer({ containerId });
    expect((await client.listContainers({})).containers).toEqual([]);
    await client.stopPodSandbox({ podSandboxId });
    await client.stopPodSandbox({ podSandboxId });
    expect((await client.podSandboxStatus({ podSandboxId })).status?.state).toBe('SANDBOX_NOTREADY');
    expect(existsSync(`/run/netns/skiff-${podSandboxId.slice(0, 16)}`)).toBe(false);
    await client.removePodSandbox({ podSandboxId });
    await client.removePodSandbox({ podSandboxId });
    expect((await client.listPodSandbox({})).items).toEqual([]);
  });

  it('streams container events and reopens the log after the kubelet rotated it', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const { client } = f;
    const abort = new AbortController();
    const events: string[] = [];
    const stream = (async () => {
      for await (const event of client.containerEvents(abort.signal)) events.push(`${event.containerEventType}:${event.containersStatuses[0]?.state}`);
    })();
    const logs = temp.make();
    const { podSandboxId } = await client.runPodSandbox({ config: podConfig('events', logs) });
    const ticker = ['sh', '-c', 'i=0; while true; do echo line $i; i=$((i+1)); sleep 0.1; done'];
    const { containerId } = await client.createContainer({ podSandboxId, config: containerConfig('c', ticker) });
    await client.startContainer({ containerId });

    const logPath = join(logs, 'c/0.log');
    await eventually(() => (existsSync(logPath) && readFileSync(logPath, 'utf8').includes('line 2')) || undefined, 'some log lines');
    renameSync(logPath, `${logPath}.rotated`);
    await client.reopenContainerLog({ containerId });
    await eventually(() => (existsSync(logPath) && parseCriLog(readFileSync(logPath, 'utf8')).length >= 2) || undefined, 'lines in the reopened log');
    const rotated = parseCriLog(readFileSync(`${logPath}.rotated`, 'utf8')).map((l) => Number(l.text.split(' ')[1]));
    const fresh = parseCriLog(readFileSync(logPath, 'utf8')).map((l) => Number(l.text.split(' ')[1]));
    expect(fresh[0]).toBeGreaterThan(rotated.at(-1)!);

    await client.stopContainer({ containerId, timeout: 0 });
    await client.removeContainer({ containerId });
    await eventually(() => events.length >= 4 || undefined, 'four container events');
    abort.abort();
    await stream;
    expect(events).toEqual([
      'CONTAINER_CREATED_EVENT:CONTAINER_CREATED',
      'CONTAINER_STARTED_EVENT:CONTAINER_RUNNING',
      'CONTAINER_STOPPED_EVENT:CONTAINER_EXITED',
      'CONTAINER_DELETED_EVENT:CONTAINER_EXITED',
    ]);
  });

  it('reports the network not ready until the kubelet sends a pod CIDR with UpdateRuntimeConfig', async () => {
    f = await startRuntimeFixture({ imageRoot, podCidr: undefined });
    const { client } = f;
    const network = async () => (await client.status({})).status?.conditions.find((c) => c.type === 'NetworkReady');
    expect(await network()).toMatchObject({ status: false, reason: 'NoPodCIDR' });
    const refused = await client.runPodSandbox({ config: podConfig('early', temp.make()) }).then(() => undefined, (e: Error) => e);
    expect(refused?.message).toMatch(/pod CIDR/);
    expect((await client.runtimeConfig({})).linux?.cgroupDriver).toBe('CGROUPFS');

    await client.updateRuntimeConfig({ runtimeConfig: { networkConfig: { podCidr: f.podCidr } } });
    expect(await network()).toMatchObject({ status: true });
    const { podSandboxId } = await client.runPodSandbox({ config: podConfig('late', temp.make()) });
    const ip = (await client.podSandboxStatus({ podSandboxId })).status?.network?.ip ?? '';
    expect(ip.startsWith(f.podCidr.split('.').slice(0, 3).join('.'))).toBe(true);
  });

  it('kills a container that ignores its stop signal once the grace period is over', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const logs = temp.make();
    const { podSandboxId } = await f.client.runPodSandbox({ config: podConfig('stubborn', logs) });
    const { containerId } = await f.client.createContainer({ podSandboxId, config: containerConfig('c', ['sh', '-c', 'trap "" TERM; while true; do sleep 0.2; done']) });
    await f.client.startContainer({ containerId });
    await f.client.stopContainer({ containerId, timeout: 1 });
    expect((await f.client.containerStatus({ containerId })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 137, reason: 'Error' });
  });

  it('records a container that exits on its own, with reason Completed', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const { podSandboxId } = await f.client.runPodSandbox({ config: podConfig('job', temp.make()) });
    const { containerId } = await f.client.createContainer({ podSandboxId, config: containerConfig('once', ['sh', '-c', 'echo done']) });
    await f.client.startContainer({ containerId });
    const status = await eventually(async () => {
      const s = (await f!.client.containerStatus({ containerId })).status;
      return s?.state === 'CONTAINER_EXITED' ? s : undefined;
    }, 'the container to exit');
    expect(status).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const exited = await f.client.listContainers({ filter: { state: { state: 'CONTAINER_EXITED' } } });
    expect(exited.containers.map((c) => c.id)).toEqual([containerId]);
  });

  it('honours bind mounts from the container config, read-only ones included', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const host = temp.make();
    writeFileSync(join(host, 'greeting'), 'hi from the host');
    const rw = temp.make();
    const { podSandboxId } = await f.client.runPodSandbox({ config: podConfig('mounts', temp.make()) });
    const { containerId } = await f.client.createContainer({
      podSandboxId,
      config: containerConfig('m', ['sleep', '300'], {
        mounts: [
          { containerPath: '/data/ro', hostPath: host, readonly: true },
          { containerPath: '/data/rw', hostPath: rw },
        ],
      }),
    });
    await f.client.startContainer({ containerId });
    const read = await f.client.execSync({ containerId, cmd: ['cat', '/data/ro/greeting'] });
    expect(read.stdout.toString()).toBe('hi from the host');
    const denied = await f.client.execSync({ containerId, cmd: ['sh', '-c', 'echo x > /data/ro/new'] });
    expect(denied.exitCode).not.toBe(0);
    expect(denied.stderr.toString()).toMatch(/Read-only file system/);
    await f.client.execSync({ containerId, cmd: ['sh', '-c', 'echo written > /data/rw/out'] });
    expect(readFileSync(join(rw, 'out'), 'utf8')).toBe('written\n');
  });

  it('answers bad requests with typed gRPC errors instead of failing obscurely', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const { client } = f;
    expect(await grpcCodeOf(client.runPodSandbox({ config: { hostname: 'x' } }))).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(await grpcCodeOf(client.createContainer({ podSandboxId: 'f'.repeat(64), config: containerConfig('c', ['true']) }))).toBe(GrpcStatus.NOT_FOUND);
    expect(await grpcCodeOf(client.containerStatus({ containerId: 'e'.repeat(64) }))).toBe(GrpcStatus.NOT_FOUND);
    const config = podConfig('bad', temp.make());
    const { podSandboxId } = await client.runPodSandbox({ config });
    expect(await grpcCodeOf(client.runPodSandbox({ config }))).toBe(GrpcStatus.ALREADY_EXISTS);
    expect(await grpcCodeOf(client.createContainer({ podSandboxId, config: containerConfig('c', ['true'], { image: { image: 'nginx:1.25' } }) }))).toBe(GrpcStatus.NOT_FOUND);
    const { containerId } = await client.createContainer({ podSandboxId, config: containerConfig('c', ['sleep', '300']) });
    expect(await grpcCodeOf(client.createContainer({ podSandboxId, config: containerConfig('c', ['true']) }))).toBe(GrpcStatus.ALREADY_EXISTS);
    expect(await grpcCodeOf(client.execSync({ containerId, cmd: ['true'] }))).toBe(GrpcStatus.FAILED_PRECONDITION);
    await client.startContainer({ containerId });
    expect(await grpcCodeOf(client.startContainer({ containerId }))).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect(await grpcCodeOf(client.execSync({ containerId, cmd: ['sleep', '30'], timeout: 1 }))).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    const { containerId: broken } = await client.createContainer({ podSandboxId, config: containerConfig('broken', ['/no/such/binary']) });
    const startError = await client.startContainer({ containerId: broken }).then(() => undefined, (e: Error) => e);
    expect(startError?.message).toMatch(/no such file|not found/i);
    expect((await client.containerStatus({ containerId: broken })).status).toMatchObject({ state: 'CONTAINER_EXITED', reason: 'StartError' });
  });
});
