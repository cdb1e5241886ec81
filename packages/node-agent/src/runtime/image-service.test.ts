import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { eventually } from '@skiff/test-util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { containerConfig, parseCriLog, podConfig } from '../../test-util/cri-configs.js';
import { buildDockerArchive, dir, file } from '../../test-util/image-archives.js';
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
afterAll(() => rmSync(imageRoot, { recursive: true, force: true }));

describe('the image service', () => {
  it('fails PullImage of an image that is not present with NOT_FOUND and says how to get it', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const error = await f.client.pullImage({ image: { image: 'nginx:1.25' } }).then(() => undefined, (e: unknown) => e);
    expect(isNodeAgentError(error, 'CriCallFailed')).toBe(true);
    expect(isNodeAgentError(error) && error.grpcCode).toBe(GrpcStatus.NOT_FOUND);
    expect(String(error)).toContain('docker.io/library/nginx:1.25');
    expect(String(error)).toMatch(/import/);
    expect((await f.client.imageStatus({ image: { image: 'nginx:1.25' } })).image).toBeNull();
  });

  it('has the built-in busybox image, which PullImage and ImageStatus find by any of its names', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const { images } = await f.client.listImages({});
    const busybox = images.find((i) => i.repoTags.includes('docker.io/library/busybox:latest'));
    expect(busybox?.id).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(busybox?.size).toBeGreaterThan(0);
    for (const name of ['busybox', 'busybox:latest', 'docker.io/library/busybox', busybox!.id, busybox!.repoDigests[0]]) {
      expect((await f.client.imageStatus({ image: { image: name } })).image?.id).toBe(busybox!.id);
    }
    expect((await f.client.pullImage({ image: { image: 'busybox' } })).imageRef).toBe(busybox!.id);
    const fs = await f.client.imageFsInfo({});
    expect(fs.imageFilesystems[0].usedBytes?.value).toBeGreaterThanOrEqual(busybox!.size);
  });

  it('runs a container from a docker-save archive imported into the store, and removes the image once unused', async () => {
    f = await startRuntimeFixture({ imageRoot: temp.make('skiff-images-') });
    const busybox = readFileSync('/bin/busybox');
    const archive = await buildDockerArchive([
      {
        repoTags: ['example.com/tools/greeter:1.0'],
        cmd: ['/bin/busybox', 'cat', '/srv/message'],
        layers: [
          { entries: [dir('bin'), { entry: { path: 'bin/busybox', type: 'file', mode: 0o755 }, data: busybox }] },
          { gzip: true, entries: [dir('srv'), file('srv/message', 'imported and running\n')] },
        ],
      },
    ]);
    const path = join(temp.make(), 'greeter.tar');
    writeFileSync(path, archive);
    const [imported] = await f.runtime.importImage(path);
    expect(imported.repoTags).toEqual(['example.com/tools/greeter:1.0']);
    expect((await f.client.imageStatus({ image: { image: 'example.com/tools/greeter:1.0' } })).image?.id).toBe(imported.id);

    const logs = temp.make();
    const { podSandboxId } = await f.client.runPodSandbox({ config: podConfig('greeter', logs) });
    const { containerId } = await f.client.createContainer({
      podSandboxId,
      config: { metadata: { name: 'greeter' }, image: { image: 'example.com/tools/greeter:1.0' }, logPath: 'greeter.log' },
    });
    await f.client.startContainer({ containerId });
    await eventually(async () => ((await f!.client.containerStatus({ containerId })).status?.state === 'CONTAINER_EXITED') || undefined, 'the greeter to finish');
    expect((await f.client.containerStatus({ containerId })).status).toMatchObject({ exitCode: 0, imageId: imported.id });
    expect(parseCriLog(readFileSync(join(logs, 'greeter.log'), 'utf8')).map((l) => l.text)).toEqual(['imported and running']);

    const inUse = await f.client.removeImage({ image: { image: imported.id } }).then(() => undefined, (e: unknown) => e);
    expect(isNodeAgentError(inUse) && inUse.grpcCode).toBe(GrpcStatus.FAILED_PRECONDITION);
    await f.client.removeContainer({ containerId });
    await f.client.removeImage({ image: { image: 'example.com/tools/greeter:1.0' } });
    expect((await f.client.imageStatus({ image: { image: imported.id } })).image).toBeNull();
    await f.client.removeImage({ image: { image: imported.id } });
  });
});
