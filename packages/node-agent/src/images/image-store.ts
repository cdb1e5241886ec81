import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { NodeAgentError } from '../errors.js';
import { processAlive } from '../process-alive.js';
import { digestBytes, digestFile, digestHex, openUncompressed } from './blob-io.js';
import { isImageId, parseImageReference } from './image-reference.js';
import { LayerUnpacker } from './layer-unpack.js';
import { withStoreLock } from './store-lock.js';
import {
  MediaTypes,
  REF_NAME_ANNOTATION,
  type Descriptor,
  type ImageConfigFile,
  type OciIndex,
  type OciManifest,
} from './oci-types.js';

/**
 * The node's local image store: an OCI image layout (oci-layout, index.json, blobs/sha256/...) plus, per image, its
 * layers unpacked and flattened into one read-only rootfs directory.
 *
 * Rootfs strategy: containers get an overlayfs mount with the image's flattened rootfs as the lower layer and a
 * fresh upper directory. Starting a container then costs one mount, whatever the image size; nothing is copied,
 * and all containers of an image share its page cache. Flattening at import (instead of one lower directory per
 * layer) applies OCI whiteouts by deletion, so no overlay whiteout device nodes are needed.
 *
 *   <root>/oci-layout  index.json  blobs/sha256/<hex>
 *   <root>/rootfs/<config hex>/        the unpacked image
 *   <root>/rootfs/<config hex>.json    written once unpacking completed: { bytes, inodes }
 *   <root>/tmp/                        staging for imports
 *
 * index.json holds one descriptor per name: its `org.opencontainers.image.ref.name` annotation is the full
 * normalized reference (docker.io/library/busybox:latest). Descriptors without that annotation are images known only
 * by ID.
 *
 * Several processes may use one store: writers take `<root>/lock` (store-lock.ts), and readers reload the index
 * when it changes, so an image imported by another process is visible at once. index.json only ever names
 * images whose blobs and rootfs are complete.
 */
export interface StoredImage {
  /** `sha256:<config digest hex>`: what the CRI calls the image ID. */
  id: string;
  manifestDigest: string;
  repoTags: string[];
  repoDigests: string[];
  /** Bytes of config and layer blobs. */
  size: number;
  config: ImageConfigFile;
  layers: Descriptor[];
  /** The unpacked, flattened rootfs (read-only by convention: containers write to an overlay above it). */
  rootfs: string;
}

export interface IngestInput {
  /** Full normalized references to point at the image; existing names move to it. */
  names: string[];
  /** The image config JSON, byte for byte. */
  config: Buffer;
  /** Staged layer files, in order; they are hard-linked (or copied) into the blob store, never modified. */
  layers: { file: string; mediaType?: string }[];
  /** The original manifest, kept verbatim so the image keeps its digest; synthesized when absent. */
  manifest?: Buffer;
}

interface IndexEntry {
  name?: string;
  descriptor: Descriptor;
}

interface RootfsMarker {
  bytes: number;
  inodes: number;
}

export class ImageStore {
  private entries: IndexEntry[] = [];
  private readonly images = new Map<string, StoredImage>();
  private readonly unpacked = new Map<string, RootfsMarker>();
  private queue: Promise<unknown> = Promise.resolve();
  /** inode and mtime of the index loaded last: every write replaces the file by rename, so the inode changes. */
  private indexVersion = '';

  private constructor(
    readonly root: string,
    private readonly logger?: Logger,
  ) {}

  /** Opens (creating if needed) the store at `root` and loads its index. */
  static async open(root: string, logger?: Logger): Promise<ImageStore> {
    const store = new ImageStore(root, logger);
    await mkdir(join(root, 'blobs', 'sha256'), { recursive: true });
    await mkdir(join(root, 'rootfs'), { recursive: true });
    await mkdir(join(root, 'tmp'), { recursive: true });
    // staging directories are named <pid>-<random>: those of processes that are gone are leftovers of a crash
    for (const name of await readdir(join(root, 'tmp'))) {
      const pid = Number.parseInt(name, 10);
      if (!(pid > 0) || !processAlive(pid)) await rm(join(root, 'tmp', name), { recursive: true, force: true });
    }
    if (!existsSync(join(root, 'oci-layout'))) {
      await writeFile(join(root, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    }
    await store.exclusive(async () => store.repairRootfs());
    return store;
  }

  /** A fresh staging directory under the store (same filesystem, so blobs move in by rename). */
  async stagingDir(): Promise<string> {
    const dir = join(this.root, 'tmp', `${process.pid}-${randomBytes(8).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  blobPath(digest: string): string {
    return join(this.root, 'blobs', 'sha256', digestHex(digest));
  }

  list(): StoredImage[] {
    this.reloadIfChanged();
    return [...this.images.values()];
  }

  /**
   * The image `ref` names: a name (normalized first), `repo@sha256:...`, a manifest digest or an image ID (with or
   * without `sha256:`). Undefined when not present; throws InvalidReference when `ref` is not a reference at all.
   */
  get(ref: string): StoredImage | undefined {
    this.reloadIfChanged();
    if (isImageId(ref)) {
      const id = ref.startsWith('sha256:') ? ref : `sha256:${ref}`;
      return [...this.images.values()].find((image) => image.id === id) ?? this.images.get(id);
    }
    if (ref.startsWith('sha256:')) return undefined;
    const parsed = parseImageReference(ref);
    if (parsed.digest !== undefined) {
      const byDigest = this.images.get(parsed.digest);
      if (byDigest && byDigest.repoDigests.includes(`${parsed.repository}@${parsed.digest}`)) return byDigest;
      return byDigest && parsed.tag === undefined ? byDigest : undefined;
    }
    const entry = this.entries.find((e) => e.name === parsed.full);
    return entry ? this.images.get(entry.descriptor.digest) : undefined;
  }

  /** Adds an image (blobs, unpacked rootfs, names). Serialized with other writes. */
  ingest(input: IngestInput): Promise<StoredImage> {
    return this.exclusive(() => this.ingestNow(input));
  }

  /**
   * Removes the image `ref` resolves to, with all its names, then deletes blobs and rootfs nothing references any
   * more. Returns the removed image, or undefined when there was none.
   */
  remove(ref: string): Promise<StoredImage | undefined> {
    return this.exclusive(async () => {
      const image = this.get(ref);
      if (!image) return undefined;
      this.entries = this.entries.filter((e) => e.descriptor.digest !== image.manifestDigest);
      await this.saveIndex();
      await this.load();
      await this.collectGarbage();
      this.logger?.info({ image: image.id, names: image.repoTags }, 'image removed');
      return image;
    });
  }

  /** Space and inodes the store uses, and the mount point of its filesystem. */
  async usage(): Promise<{ mountpoint: string; usedBytes: number; inodesUsed: number }> {
    let usedBytes = 0;
    let inodesUsed = 0;
    for (const name of await readdir(join(this.root, 'blobs', 'sha256'))) {
      usedBytes += (await stat(join(this.root, 'blobs', 'sha256', name)).catch(() => ({ size: 0 }))).size;
      inodesUsed++;
    }
    for (const marker of this.unpacked.values()) {
      usedBytes += marker.bytes;
      inodesUsed += marker.inodes;
    }
    return { mountpoint: this.root, usedBytes, inodesUsed };
  }

  /** Serializes writes in this process, and across processes with the lock file; works on a fresh index. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const locked = () =>
      withStoreLock(join(this.root, 'lock'), async () => {
        await this.load();
        return fn();
      });
    const run = this.queue.then(locked, locked);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Re-reads the index when another process changed it (a stat per lookup; the files are small). */
  private reloadIfChanged(): void {
    const path = join(this.root, 'index.json');
    if (indexVersion(path) === this.indexVersion) return;
    this.loadSync();
  }

  private async ingestNow(input: IngestInput): Promise<StoredImage> {
    const configDigest = digestBytes(input.config);
    let config: ImageConfigFile;
    try {
      config = JSON.parse(input.config.toString('utf8')) as ImageConfigFile;
    } catch (err) {
      throw new NodeAgentError('InvalidImageArchive', `image config ${configDigest} is not valid JSON`, { cause: err });
    }
    const layers: Descriptor[] = [];
    for (const layer of input.layers) {
      const { digest, size } = await digestFile(layer.file);
      layers.push({ mediaType: layer.mediaType ?? MediaTypes.ociLayer, digest, size });
    }
    let manifestBytes = input.manifest;
    if (manifestBytes) {
      const manifest = JSON.parse(manifestBytes.toString('utf8')) as OciManifest;
      if (manifest.config?.digest !== configDigest) {
        throw new NodeAgentError('DigestMismatch', `manifest names config ${manifest.config?.digest} but the config blob hashes to ${configDigest}`);
      }
      manifest.layers.forEach((d, i) => {
        if (d.digest !== layers[i]?.digest) {
          throw new NodeAgentError('DigestMismatch', `manifest layer ${i} is ${d.digest} but the blob hashes to ${layers[i]?.digest}`);
        }
      });
    } else {
      const manifest: OciManifest = {
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        config: { mediaType: MediaTypes.ociConfig, digest: configDigest, size: input.config.length },
        layers,
      };
      manifestBytes = Buffer.from(JSON.stringify(manifest));
    }
    const manifestDigest = digestBytes(manifestBytes);

    for (let i = 0; i < input.layers.length; i++) await this.linkIntoBlobs(input.layers[i].file, layers[i].digest);
    await this.writeBlob(configDigest, input.config);
    await this.writeBlob(manifestDigest, manifestBytes);
    await this.unpack(configDigest, layers);

    const descriptor: Descriptor = { mediaType: MediaTypes.ociManifest, digest: manifestDigest, size: manifestBytes.length };
    const names = new Set(input.names);
    this.entries = this.entries.filter((e) => !(e.name && names.has(e.name)) && !(e.name === undefined && e.descriptor.digest === manifestDigest));
    if (names.size === 0) this.entries.push({ descriptor });
    for (const name of names) this.entries.push({ name, descriptor: { ...descriptor, annotations: { [REF_NAME_ANNOTATION]: name } } });
    await this.saveIndex();
    await this.load();
    await this.collectGarbage();
    const image = this.images.get(manifestDigest);
    if (!image) throw new NodeAgentError('Internal', `image ${manifestDigest} missing right after ingest`);
    this.logger?.info({ image: image.id, names: image.repoTags, layers: layers.length }, 'image stored');
    return image;
  }

  private async linkIntoBlobs(file: string, digest: string): Promise<void> {
    const target = this.blobPath(digest);
    if (existsSync(target)) return;
    const tmp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
    // a link, not a rename: an archive may use one layer file for several images; copy across filesystems
    await link(file, tmp).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EXDEV') throw err;
      await copyFile(file, tmp);
    });
    await rename(tmp, target);
  }

  private async writeBlob(digest: string, bytes: Buffer): Promise<void> {
    const target = this.blobPath(digest);
    if (existsSync(target)) return;
    const tmp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, bytes);
    await rename(tmp, target);
  }

  private rootfsPath(configDigest: string): string {
    return join(this.root, 'rootfs', digestHex(configDigest));
  }

  private async unpack(configDigest: string, layers: Descriptor[]): Promise<void> {
    const final = this.rootfsPath(configDigest);
    if (this.unpacked.has(configDigest) && existsSync(final)) return;
    const work = `${final}.unpacking-${randomBytes(4).toString('hex')}`;
    await mkdir(work, { mode: 0o755 });
    try {
      const unpacker = new LayerUnpacker(work, this.logger);
      for (const layer of layers) await unpacker.apply(await openUncompressed(this.blobPath(layer.digest)));
      await rm(final, { recursive: true, force: true });
      await rename(work, final);
      const marker: RootfsMarker = { bytes: unpacker.totals.bytes, inodes: unpacker.totals.inodes };
      await writeFile(`${final}.json`, JSON.stringify(marker));
      this.unpacked.set(configDigest, marker);
    } catch (err) {
      await rm(work, { recursive: true, force: true });
      throw err;
    }
  }

  private async saveIndex(): Promise<void> {
    const index: OciIndex = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: this.entries.map((e) => e.descriptor) };
    const tmp = join(this.root, `index.json.tmp-${randomBytes(4).toString('hex')}`);
    await writeFile(tmp, JSON.stringify(index, null, 1));
    await rename(tmp, join(this.root, 'index.json'));
  }

  /** Rebuilds the in-memory view from index.json and the blobs it points at. */
  private async load(): Promise<void> {
    this.loadSync();
  }

  private loadSync(): void {
    const indexPath = join(this.root, 'index.json');
    this.indexVersion = indexVersion(indexPath);
    const index: OciIndex = existsSync(indexPath)
      ? (JSON.parse(readFileSync(indexPath, 'utf8')) as OciIndex)
      : { schemaVersion: 2, manifests: [] };
    this.entries = index.manifests.map((descriptor) => ({ name: descriptor.annotations?.[REF_NAME_ANNOTATION], descriptor }));
    this.images.clear();
    for (const entry of this.entries) {
      const digest = entry.descriptor.digest;
      let image = this.images.get(digest);
      if (!image) {
        const manifest = JSON.parse(readFileSync(this.blobPath(digest), 'utf8')) as OciManifest;
        const config = JSON.parse(readFileSync(this.blobPath(manifest.config.digest), 'utf8')) as ImageConfigFile;
        const markerPath = `${this.rootfsPath(manifest.config.digest)}.json`;
        if (existsSync(markerPath)) this.unpacked.set(manifest.config.digest, JSON.parse(readFileSync(markerPath, 'utf8')) as RootfsMarker);
        image = {
          id: manifest.config.digest,
          manifestDigest: digest,
          repoTags: [],
          repoDigests: [],
          size: manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0),
          config,
          layers: manifest.layers,
          rootfs: this.rootfsPath(manifest.config.digest),
        };
        this.images.set(digest, image);
      }
      if (entry.name) {
        const ref = parseImageReference(entry.name);
        image.repoTags.push(entry.name);
        const repoDigest = `${ref.repository}@${digest}`;
        if (!image.repoDigests.includes(repoDigest)) image.repoDigests.push(repoDigest);
      }
    }
  }

  /** Unpacks again any indexed image whose rootfs is missing (deleted by hand, or a crash mid-removal). */
  private async repairRootfs(): Promise<void> {
    for (const image of this.images.values()) {
      if (!this.unpacked.has(image.id) || !existsSync(image.rootfs)) {
        this.logger?.warn({ image: image.id }, 'image rootfs missing; unpacking it again');
        await this.unpack(image.id, image.layers);
      }
    }
  }

  /** Deletes blobs and unpacked rootfs directories that no indexed image references. */
  private async collectGarbage(): Promise<void> {
    const live = new Set<string>();
    for (const image of this.images.values()) {
      live.add(digestHex(image.manifestDigest));
      live.add(digestHex(image.id));
      for (const layer of image.layers) live.add(digestHex(layer.digest));
    }
    for (const name of await readdir(join(this.root, 'blobs', 'sha256'))) {
      if (!live.has(name)) await rm(join(this.root, 'blobs', 'sha256', name), { force: true });
    }
    for (const name of await readdir(join(this.root, 'rootfs'))) {
      const hex = name.replace(/\.json$/, '').replace(/\.unpacking-.*$/, '');
      if (live.has(hex) && !name.includes('.unpacking-')) continue;
      await rm(join(this.root, 'rootfs', name), { recursive: true, force: true });
      this.unpacked.delete(`sha256:${hex}`);
    }
  }
}

function indexVersion(path: string): string {
  if (!existsSync(path)) return 'none';
  const info = statSync(path);
  return `${info.ino}:${info.mtimeMs}`;
}
