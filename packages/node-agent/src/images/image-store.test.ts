import { existsSync, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDockerArchive, buildOciArchive, dir, file } from '../../test-util/image-archives.js';
import { TempDirs } from '../../test-util/temp-dir.js';
import { isNodeAgentError } from '../errors.js';
import { BUSYBOX_IMAGE, buildBusyboxImage } from './busybox-image.js';
import { exportDockerArchive } from './image-export.js';
import { importImageArchive } from './image-import.js';
import { ImageStore } from './image-store.js';
import { tarToBuffer } from './tar-writer.js';

const temp = new TempDirs();
afterEach(() => temp.removeAll());

async function storeWith(archive: Buffer, name?: string) {
  const root = temp.make();
  const store = await ImageStore.open(join(root, 'images'));
  const path = join(root, 'archive.tar');
  writeFileSync(path, archive);
  const images = await importImageArchive(store, path, name ? { name } : {});
  return { root, store, images, path };
}

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => undefined, (err: unknown) => err);
}

describe('importing a docker-save archive', () => {
  it('normalizes the names, flattens the layers and applies whiteouts and opaque directories', async () => {
    const archive = await buildDockerArchive([
      {
        repoTags: ['demo:1', 'example.com/team/demo:1'],
        layers: [
          { entries: [dir('etc'), file('etc/a', 'A'), file('etc/b', 'B'), dir('data'), dir('data/old'), file('data/old/x', 'X'), file('bin/tool', 'T', 0o4755)] },
          { gzip: true, entries: [file('etc/.wh.b', ''), file('data/fresh', 'F'), file('data/.wh..wh..opq', ''), file('etc/a', 'A2')] },
        ],
      },
    ]);
    const { store, images } = await storeWith(archive);
    expect(images).toHaveLength(1);
    const image = images[0];
    expect(image.repoTags.sort()).toEqual(['docker.io/library/demo:1', 'example.com/team/demo:1']);
    expect(image.repoDigests).toContain(`docker.io/library/demo@${image.manifestDigest}`);
    expect(store.get('demo:1')?.id).toBe(image.id);
    expect(store.get(image.id)?.id).toBe(image.id);
    expect(store.get(image.id.slice('sha256:'.length))?.id).toBe(image.id);
    expect(store.get(`docker.io/library/demo@${image.manifestDigest}`)?.id).toBe(image.id);
    expect(store.get('demo:2')).toBeUndefined();
    expect(readFileSync(join(image.rootfs, 'etc/a'), 'utf8')).toBe('A2');
    expect(existsSync(join(image.rootfs, 'etc/b'))).toBe(false);
    expect(existsSync(join(image.rootfs, 'data/old'))).toBe(false);
    expect(readFileSync(join(image.rootfs, 'data/fresh'), 'utf8')).toBe('F');
    expect(existsSync(join(image.rootfs, 'data/.wh..wh..opq'))).toBe(false);
    expect(statSync(join(image.rootfs, 'bin/tool')).mode & 0o7777).toBe(0o4755);
  });

  it('imports an unnamed image under the name it is given', async () => {
    const archive = await buildDockerArchive([{ layers: [{ entries: [file('f', '1')] }] }]);
    const { images } = await storeWith(archive, 'local/unnamed:v2');
    expect(images[0].repoTags).toEqual(['docker.io/local/unnamed:v2']);
  });

  it.each([
    ['an entry climbing out of the rootfs', [file('../../escaped', 'x')], 'outside the image root'],
    ['an archive with neither manifest.json nor index.json', null, 'neither a docker-save archive'],
  ])('rejects %s with InvalidImageArchive', async (_what, entries, message) => {
    const archive = entries
      ? await buildDockerArchive([{ repoTags: ['bad:1'], layers: [{ entries }] }])
      : await tarToBuffer([{ entry: { path: 'readme.txt', type: 'file' }, data: Buffer.from('not an image') }]);
    const error = await failureOf(storeWith(archive));
    expect(isNodeAgentError(error, 'InvalidImageArchive')).toBe(true);
    expect(String(error)).toContain(message);
  });

  it('keeps writes through a symlink inside the rootfs, never on the host', async () => {
    const outside = temp.make('skiff-outside-');
    const archive = await buildDockerArchive([
      {
        repoTags: ['evil:1'],
        layers: [
          { entries: [{ entry: { path: 'escape', type: 'symlink', linkTarget: outside } }] },
          { entries: [file('escape/pwned', 'gotcha')] },
        ],
      },
    ]);
    const { images } = await storeWith(archive);
    expect(existsSync(join(outside, 'pwned'))).toBe(false);
    expect(readFileSync(join(images[0].rootfs, outside, 'pwned'), 'utf8')).toBe('gotcha');
  });
});

describe('importing an OCI layout archive', () => {
  it('keeps the manifest digest and applies a bare-tag ref name to the given repository', async () => {
    const archive = await buildOciArchive({ refName: '3.1', layers: [{ gzip: true, entries: [file('hello', 'world')] }] });
    const { images } = await storeWith(archive, 'registry.local/app');
    expect(images[0].repoTags).toEqual(['registry.local/app:3.1']);
    expect(readFileSync(join(images[0].rootfs, 'hello'), 'utf8')).toBe('world');
  });

  it('takes a full reference from the ref name annotation', async () => {
    const archive = await buildOciArchive({ refName: 'docker.io/library/tool:9', layers: [{ entries: [file('t', 't')] }] });
    const { images } = await storeWith(archive);
    expect(images[0].repoTags).toEqual(['docker.io/library/tool:9']);
  });

  it('refuses a blob whose content does not match its digest', async () => {
    const archive = await buildOciArchive({ refName: 'docker.io/library/tool:9', layers: [{ entries: [file('t', 't')] }] }, { corruptLayer: true });
    const error = await failureOf(storeWith(archive));
    expect(isNodeAgentError(error, 'DigestMismatch')).toBe(true);
  });
});

describe('the image store', () => {
  it('builds the busybox image from the host busybox with every applet linked to the one binary', async () => {
    const root = temp.make();
    const store = await ImageStore.open(join(root, 'a'));
    const image = await buildBusyboxImage(store);
    expect(image.repoTags).toEqual([BUSYBOX_IMAGE]);
    const busybox = lstatSync(join(image.rootfs, 'bin/busybox'));
    expect(lstatSync(join(image.rootfs, 'bin/sh')).ino).toBe(busybox.ino);
    expect(lstatSync(join(image.rootfs, 'usr/bin/wget')).ino).toBe(busybox.ino);
    expect(readFileSync(join(image.rootfs, 'etc/passwd'), 'utf8')).toMatch(/^root:x:0:0:/);
    expect(statSync(join(image.rootfs, 'tmp')).mode & 0o7777).toBe(0o1777);
    const again = await buildBusyboxImage(await ImageStore.open(join(root, 'b')));
    expect(again.id).toBe(image.id);
  });

  it('finds its images again after reopening, and removes an image with its blobs and rootfs', async () => {
    const archive = await buildDockerArchive([{ repoTags: ['keep:1'], layers: [{ entries: [file('k', '1')] }] }, { repoTags: ['drop:1'], layers: [{ entries: [file('d', '2')] }] }]);
    const { store } = await storeWith(archive);
    const reopened = await ImageStore.open(store.root);
    expect(reopened.list().map((i) => i.repoTags[0]).sort()).toEqual(['docker.io/library/drop:1', 'docker.io/library/keep:1']);
    const dropped = reopened.get('drop:1')!;
    await reopened.remove('drop:1');
    expect(reopened.get('drop:1')).toBeUndefined();
    expect(existsSync(dropped.rootfs)).toBe(false);
    expect(existsSync(reopened.blobPath(dropped.layers[0].digest))).toBe(false);
    expect(existsSync(reopened.get('keep:1')!.rootfs)).toBe(true);
    expect(await reopened.remove('drop:1')).toBeUndefined();
  });

  it('exports a docker archive that imports back to the same image ID', async () => {
    const archive = await buildDockerArchive([{ repoTags: ['round:trip'], layers: [{ gzip: true, entries: [file('r', 'r')] }] }]);
    const { store, root } = await storeWith(archive);
    const out = join(root, 'export.tar');
    await exportDockerArchive(store, ['round:trip'], out);
    const other = await ImageStore.open(join(root, 'other'));
    const [back] = await importImageArchive(other, out);
    expect(back.id).toBe(store.get('round:trip')!.id);
    expect(back.repoTags).toEqual(['docker.io/library/round:trip']);
  });
});

describe('one image store used by two processes', () => {
  it('shows an image another store instance imported, and serializes their writes', async () => {
    const root = temp.make();
    const runtimeSide = await ImageStore.open(join(root, 'images'));
    const importerSide = await ImageStore.open(join(root, 'images'));
    const archive = join(root, 'a.tar');
    writeFileSync(archive, await buildDockerArchive([{ repoTags: ['late:1'], layers: [{ entries: [file('x', '1')] }] }]));
    const other = join(root, 'b.tar');
    writeFileSync(other, await buildDockerArchive([{ repoTags: ['later:1'], layers: [{ entries: [file('y', '2')] }] }]));
    expect(runtimeSide.get('late:1')).toBeUndefined();
    await Promise.all([importImageArchive(importerSide, archive), importImageArchive(runtimeSide, other)]);
    expect(runtimeSide.get('late:1')?.repoTags).toEqual(['docker.io/library/late:1']);
    expect(importerSide.get('later:1')?.repoTags).toEqual(['docker.io/library/later:1']);
    expect(runtimeSide.list().map((i) => i.repoTags[0]).sort()).toEqual(['docker.io/library/late:1', 'docker.io/library/later:1']);
  });
});
