import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { digestBytes } from './blob-io.js';
import { normalizeImageName } from './image-reference.js';
import type { ImageStore, StoredImage } from './image-store.js';
import { hostArchitecture, type ImageConfigFile } from './oci-types.js';
import { tarToBuffer, type TarWriteEntry } from './tar-writer.js';

const run = promisify(execFile);

export const BUSYBOX_IMAGE = 'docker.io/library/busybox:latest';
/** Debian's busybox-static installs its static binary here. */
export const DEFAULT_BUSYBOX_BINARY = '/bin/busybox';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
const GROUP = 'root:x:0:\ndaemon:x:1:\nnobody:x:65534:\n';
const BASE_DIRS: [string, number][] = [
  ['bin', 0o755], ['dev', 0o755], ['etc', 0o755], ['home', 0o755], ['proc', 0o555], ['root', 0o700], ['sbin', 0o755],
  ['sys', 0o555], ['tmp', 0o1777], ['usr', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755], ['var', 0o755],
  ['var/www', 0o755],
];

export interface BusyboxImageOptions {
  /** The static busybox binary to package; Debian's busybox-static by default. */
  binary?: string;
  /** Names to give the image; `docker.io/library/busybox:latest` by default. */
  names?: string[];
  /**
   * An ENTRYPOINT, for images made from the same layer for another purpose (a pause image for containerd:
   * `['/bin/sleep', '2147483647']`). The busybox image itself has none and runs `sh`.
   */
  entrypoint?: string[];
  logger?: Logger;
}

/**
 * Builds the one-layer `busybox` image from the host's static busybox: /bin/busybox, a hard link per applet at the
 * path `busybox --list-full` gives, /etc/passwd and /etc/group, and the usual empty directories. The layer is
 * deterministic (fixed mtimes, sorted entries), so every node that has the same busybox build gets the same image ID,
 * and pods using `busybox` run with no registry access.
 */
export async function buildBusyboxImage(store: ImageStore, options: BusyboxImageOptions = {}): Promise<StoredImage> {
  const binary = options.binary ?? DEFAULT_BUSYBOX_BINARY;
  const data = await readFile(binary);
  const { stdout: list } = await run(binary, ['--list-full'], { maxBuffer: 1024 * 1024 });
  const { stdout: banner } = await run(binary, ['--help']).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  const version = /BusyBox (v[^\s]+)/.exec(banner)?.[1] ?? 'unknown';

  const applets = [...new Set(list.split('\n').map((l) => l.trim()).filter((l) => l && l !== 'bin/busybox'))].sort();
  const dirs = new Map<string, number>(BASE_DIRS);
  for (const applet of applets) {
    for (let d = dirname(applet); d !== '.' && !dirs.has(d); d = dirname(d)) dirs.set(d, 0o755);
  }
  const entries: { entry: TarWriteEntry; data?: Buffer }[] = [];
  for (const [path, mode] of [...dirs].sort(([a], [b]) => a.localeCompare(b))) entries.push({ entry: { path, type: 'directory', mode } });
  entries.push({ entry: { path: 'bin/busybox', type: 'file', mode: 0o755 }, data });
  entries.push({ entry: { path: 'etc/passwd', type: 'file', mode: 0o644 }, data: Buffer.from(PASSWD) });
  entries.push({ entry: { path: 'etc/group', type: 'file', mode: 0o644 }, data: Buffer.from(GROUP) });
  // a hard link's header carries its target's mode: some unpackers (containerd's) apply it to the shared inode
  for (const applet of applets) entries.push({ entry: { path: applet, type: 'hardlink', linkTarget: 'bin/busybox', mode: 0o755 } });
  const layer = await tarToBuffer(entries);

  const config: ImageConfigFile = {
    architecture: hostArchitecture(),
    os: 'linux',
    created: '1970-01-01T00:00:00Z',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ...(options.entrypoint ? { Entrypoint: options.entrypoint, Cmd: [] } : { Cmd: ['sh'] }),
    },
    rootfs: { type: 'layers', diff_ids: [digestBytes(layer)] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: `skiff: busybox-static ${version} from ${binary}` }],
  };
  const stage = await store.stagingDir();
  const layerFile = join(stage, 'layer.tar');
  await writeFile(layerFile, layer);
  const names = (options.names ?? [BUSYBOX_IMAGE]).map(normalizeImageName);
  const image = await store.ingest({ names, config: Buffer.from(JSON.stringify(config)), layers: [{ file: layerFile }] });
  options.logger?.info({ image: image.id, busybox: version, applets: applets.length }, 'built the busybox image from the host busybox');
  return image;
}

/**
 * The busybox image, built on first use. Undefined (with a warning) when the host has no static busybox: install
 * Debian's busybox-static, or import an image instead.
 */
export async function ensureBusyboxImage(store: ImageStore, options: BusyboxImageOptions = {}): Promise<StoredImage | undefined> {
  const existing = store.get(BUSYBOX_IMAGE);
  if (existing) return existing;
  const binary = options.binary ?? DEFAULT_BUSYBOX_BINARY;
  if (!existsSync(binary)) {
    options.logger?.warn({ binary }, 'no static busybox on this host, so no built-in busybox image: apt-get install busybox-static, or import images');
    return undefined;
  }
  return buildBusyboxImage(store, options);
}
