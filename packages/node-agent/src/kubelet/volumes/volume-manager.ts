/**
 * A pod's volumes on this node, under `<podsDir>/<uid>/volumes/<plugin>/<name>` as the kubelet lays them out:
 *
 *   emptyDir               a directory; medium Memory: a tmpfs (sizeLimit caps it)
 *   configMap, secret,     files written atomically (atomic-writer.ts); secret and projected are tmpfs-backed so
 *   downwardAPI, projected   their contents never reach the disk. `refresh` rewrites them when the objects change.
 *   hostPath               the node's path itself, after the type check (DirectoryOrCreate creates it)
 *
 * `tearDown` unmounts and removes everything of a pod once its containers are gone.
 */
import { lstat, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { NodeAgentError } from '../../errors.js';
import { valueOf } from '../pods/container-resources.js';
import { writeAtomically } from './atomic-writer.js';
import { mountTmpfs, unmountAll } from './mounts.js';
import { volumePayload, type VolumeContext } from './volume-sources.js';

export interface VolumeHost {
  /** Where the volume is on the node. */
  path: string;
}

const PLUGIN_DIRS: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

const UNSUPPORTED = ['persistentVolumeClaim', 'nfs', 'csi', 'ephemeral', 'image', 'iscsi', 'rbd', 'cephfs', 'awsElasticBlockStore', 'gcePersistentDisk'];

function pluginOf(volume: any): string | undefined {
  return Object.keys(PLUGIN_DIRS).find((k) => volume[k] !== undefined && volume[k] !== null);
}

function failed(message: string): NodeAgentError {
  return new NodeAgentError('VolumeSetupFailed', message);
}

async function statOrUndefined(path: string) {
  return stat(path).catch(() => undefined);
}

/** The hostPath type check (and creation for the *OrCreate types). */
export async function checkHostPath(path: string, type: string | undefined): Promise<void> {
  const info = await statOrUndefined(path);
  switch (type ?? '') {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!info) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!info.isDirectory()) throw failed(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'Directory':
      if (!info?.isDirectory()) throw failed(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'FileOrCreate':
      if (!info) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, '', { mode: 0o644, flag: 'a' });
      } else if (!info.isFile()) throw failed(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'File':
      if (!info?.isFile()) throw failed(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'Socket':
      if (!info?.isSocket()) throw failed(`hostPath type check failed: ${path} is not a socket file`);
      return;
    case 'CharDevice':
      if (!info?.isCharacterDevice()) throw failed(`hostPath type check failed: ${path} is not a character device`);
      return;
    case 'BlockDevice':
      if (!info?.isBlockDevice()) throw failed(`hostPath type check failed: ${path} is not a block device`);
      return;
    default:
      throw failed(`hostPath type "${type}" is not supported`);
  }
}

export class VolumeManager {
  constructor(
    private readonly podsDir: string,
    private readonly logger: Logger,
  ) {}

  podDir(uid: string): string {
    return join(this.podsDir, uid);
  }

  volumeDir(uid: string, volume: any): string {
    return join(this.podDir(uid), 'volumes', PLUGIN_DIRS[pluginOf(volume) ?? 'emptyDir']!, volume.name);
  }

  /** Sets up every volume of the pod (idempotent); throws VolumeSetupFailed naming the first that failed. */
  async setUp(ctx: VolumeContext): Promise<Map<string, VolumeHost>> {
    const hosts = new Map<string, VolumeHost>();
    for (const volume of ctx.pod.spec?.volumes ?? []) {
      try {
        hosts.set(volume.name, await this.setUpOne(ctx, volume));
      } catch (err) {
        const message = err instanceof NodeAgentError ? err.message : `${(err as Error).message}`;
        throw new NodeAgentError('VolumeSetupFailed', `MountVolume.SetUp failed for volume "${volume.name}" : ${message}`, { cause: err });
      }
    }
    return hosts;
  }

  private async setUpOne(ctx: VolumeContext, volume: any): Promise<VolumeHost> {
    if (volume.hostPath) {
      await checkHostPath(volume.hostPath.path, volume.hostPath.type);
      return { path: volume.hostPath.path };
    }
    const unsupported = UNSUPPORTED.find((k) => volume[k] !== undefined);
    if (unsupported || !pluginOf(volume)) throw failed(`volume type ${unsupported ?? 'of this volume'} is not supported by this node`);
    const dir = this.volumeDir(ctx.pod.metadata.uid, volume);
    await mkdir(dir, { recursive: true, mode: 0o777 });
    if (volume.emptyDir) {
      const medium = volume.emptyDir.medium ?? '';
      if (medium === 'Memory') await mountTmpfs(dir, valueOf({ size: volume.emptyDir.sizeLimit }, 'size') ?? 0);
      else if (medium !== '') throw failed(`emptyDir medium "${medium}" is not supported`);
      return { path: dir };
    }
    if (volume.secret || volume.projected) await mountTmpfs(dir, 0);
    const payload = await volumePayload(ctx, volume);
    if (payload) await writeAtomically(dir, payload);
    return { path: dir };
  }

  /** Rewrites the API-backed volumes of a set-up pod; returns the names of those whose files changed. */
  async refresh(ctx: VolumeContext): Promise<string[]> {
    const changed: string[] = [];
    for (const volume of ctx.pod.spec?.volumes ?? []) {
      if (!(volume.configMap || volume.secret || volume.downwardAPI || volume.projected)) continue;
      const dir = this.volumeDir(ctx.pod.metadata.uid, volume);
      if (!(await lstat(dir).catch(() => undefined))) continue;
      const payload = await volumePayload(ctx, volume).catch((err: Error) => {
        this.logger.debug({ volume: volume.name, err: err.message }, 'volume refresh skipped');
        return undefined;
      });
      if (payload && (await writeAtomically(dir, payload))) changed.push(volume.name);
    }
    return changed;
  }

  async tearDown(uid: string): Promise<void> {
    const dir = this.podDir(uid);
    await unmountAll(dir);
    await rm(dir, { recursive: true, force: true });
  }

  /** Pod directories on disk whose pods this node no longer runs. */
  async orphans(active: Set<string>): Promise<string[]> {
    const names = await readdir(this.podsDir).catch(() => [] as string[]);
    return names.filter((uid) => !active.has(uid));
  }
}
