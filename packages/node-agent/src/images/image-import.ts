import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NodeAgentError } from '../errors.js';
import { detectCompression, digestFile, digestHex, openUncompressed } from './blob-io.js';
import { normalizeImageName, parseImageReference } from './image-reference.js';
import type { ImageStore, StoredImage } from './image-store.js';
import {
  CONTAINERD_NAME_ANNOTATION,
  hostArchitecture,
  isIndexMediaType,
  MediaTypes,
  REF_NAME_ANNOTATION,
  type Descriptor,
  type OciIndex,
  type OciManifest,
} from './oci-types.js';
import { cleanEntryPath } from './secure-path.js';
import { TarReader } from './tar-reader.js';

/**
 * Imports image archives into the store: `docker save` archives (manifest.json with Config, RepoTags, Layers) and
 * OCI image layout archives (oci-layout, index.json, blobs/), either of them optionally gzip-compressed. When an
 * archive holds both (docker 25+ writes both), manifest.json wins because it carries the full names.
 */
export interface ImportOptions {
  /**
   * A name for images the archive does not name (docker save of an image ID, OCI index entries whose ref.name is
   * only a tag, which is then applied to this repository).
   */
  name?: string;
}

interface DockerManifestItem {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** Imports every image in the archive at `file`; returns them in archive order. */
export async function importImageArchive(store: ImageStore, file: string, options: ImportOptions = {}): Promise<StoredImage[]> {
  if (!existsSync(file)) throw new NodeAgentError('InvalidImageArchive', `image archive ${file} does not exist`);
  const stage = await store.stagingDir();
  try {
    const links = await extractArchive(file, stage);
    const resolve = (name: string) => stagedPath(stage, links, name);
    if (existsSync(resolve('manifest.json'))) return await importDockerArchive(store, resolve, options);
    if (existsSync(resolve('index.json'))) return await importOciLayout(store, resolve, options);
    throw new NodeAgentError(
      'InvalidImageArchive',
      `${file} is neither a docker-save archive (no manifest.json) nor an OCI image layout archive (no index.json)`,
    );
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** Extracts regular files into `stage`; returns the archive's symlinks (docker save links repeated layers). */
async function extractArchive(file: string, stage: string): Promise<Map<string, string>> {
  const links = new Map<string, string>();
  const reader = new TarReader(await openUncompressed(file));
  let count = 0;
  for (let entry = await reader.next(); entry; entry = await reader.next()) {
    const path = cleanEntryPath(entry.path);
    if (path === '') continue;
    if (++count > 100_000) throw new NodeAgentError('InvalidImageArchive', `${file} holds more than 100000 entries; not an image archive`);
    if (entry.type === 'symlink') links.set(path, posix.normalize(posix.join(posix.dirname(path), entry.linkTarget)));
    else if (entry.type === 'hardlink') links.set(path, cleanEntryPath(entry.linkTarget));
    if (entry.type !== 'file') continue;
    const target = join(stage, path);
    await mkdir(dirname(target), { recursive: true });
    // a later entry with the same path replaces the earlier one, as tar extraction does
    await pipeline(Readable.from(reader.body()), createWriteStream(target));
  }
  return links;
}

function stagedPath(stage: string, links: Map<string, string>, name: string): string {
  let path = cleanEntryPath(name);
  for (let hops = 0; links.has(path) && hops < 16; hops++) path = cleanEntryPath(links.get(path)!);
  return join(stage, path);
}

async function readJson<T>(path: string, what: string): Promise<T> {
  if (!existsSync(path)) throw new NodeAgentError('InvalidImageArchive', `${what} is missing from the archive`);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    throw new NodeAgentError('InvalidImageArchive', `${what} is not valid JSON`, { cause: err });
  }
}

async function layerMediaType(path: string): Promise<string> {
  const compression = await detectCompression(path);
  return compression === 'gzip' ? MediaTypes.ociLayerGzip : compression === 'zstd' ? MediaTypes.ociLayerZstd : MediaTypes.ociLayer;
}

async function importDockerArchive(
  store: ImageStore,
  resolve: (name: string) => string,
  options: ImportOptions,
): Promise<StoredImage[]> {
  const items = await readJson<DockerManifestItem[]>(resolve('manifest.json'), 'manifest.json');
  if (!Array.isArray(items) || items.length === 0) throw new NodeAgentError('InvalidImageArchive', 'manifest.json lists no images');
  const imported: StoredImage[] = [];
  for (const item of items) {
    if (typeof item.Config !== 'string' || !Array.isArray(item.Layers)) {
      throw new NodeAgentError('InvalidImageArchive', 'manifest.json entry lacks Config or Layers');
    }
    const names = (item.RepoTags ?? []).map(normalizeImageName);
    if (names.length === 0 && options.name) names.push(normalizeImageName(options.name));
    const layers = [];
    for (const layer of item.Layers) {
      const path = resolve(layer);
      if (!existsSync(path)) throw new NodeAgentError('InvalidImageArchive', `layer ${layer} named in manifest.json is missing`);
      layers.push({ file: path, mediaType: await layerMediaType(path) });
    }
    const config = await readFile(resolve(item.Config)).catch(() => {
      throw new NodeAgentError('InvalidImageArchive', `config ${item.Config} named in manifest.json is missing`);
    });
    imported.push(await store.ingest({ names, config, layers }));
  }
  return imported;
}

async function importOciLayout(
  store: ImageStore,
  resolve: (name: string) => string,
  options: ImportOptions,
): Promise<StoredImage[]> {
  const index = await readJson<OciIndex>(resolve('index.json'), 'index.json');
  if (!Array.isArray(index.manifests) || index.manifests.length === 0) {
    throw new NodeAgentError('InvalidImageArchive', 'index.json lists no manifests');
  }
  const blob = async (digest: string): Promise<string> => {
    const path = resolve(`blobs/sha256/${digestHex(digest)}`);
    if (!existsSync(path)) throw new NodeAgentError('InvalidImageArchive', `blob ${digest} is missing from the archive`);
    const actual = await digestFile(path);
    if (actual.digest !== digest) throw new NodeAgentError('DigestMismatch', `blob ${digest} in the archive hashes to ${actual.digest}`);
    return path;
  };
  const imported: StoredImage[] = [];
  for (const top of index.manifests) {
    const descriptor = await choosePlatform(top, blob);
    const manifestBytes = await readFile(await blob(descriptor.digest));
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as OciManifest;
    const config = await readFile(await blob(manifest.config.digest));
    const layers = [];
    for (const layer of manifest.layers) {
      layers.push({ file: await blob(layer.digest), mediaType: layer.mediaType });
    }
    imported.push(await store.ingest({ names: ociNames(top, options), config, layers, manifest: manifestBytes }));
  }
  return imported;
}

async function choosePlatform(top: Descriptor, blob: (digest: string) => Promise<string>): Promise<Descriptor> {
  if (!isIndexMediaType(top.mediaType)) return top;
  const nested = JSON.parse(await readFile(await blob(top.digest), 'utf8')) as OciIndex;
  const arch = hostArchitecture();
  const match = nested.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch);
  if (!match) {
    const offered = nested.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).join(', ');
    throw new NodeAgentError('InvalidImageArchive', `the archive has no linux/${arch} image (it has: ${offered || 'none'})`);
  }
  return match;
}

function ociNames(descriptor: Descriptor, options: ImportOptions): string[] {
  const full = descriptor.annotations?.[CONTAINERD_NAME_ANNOTATION];
  if (full) return [normalizeImageName(full)];
  const refName = descriptor.annotations?.[REF_NAME_ANNOTATION];
  if (!refName) return options.name ? [normalizeImageName(options.name)] : [];
  // ref.name is either a full reference (has a "/" or ":") or just a tag, which needs a repository from options.name
  if (!refName.includes('/') && !refName.includes(':')) {
    if (!options.name) {
      throw new NodeAgentError('InvalidImageArchive', `the archive names an image only by tag "${refName}"; pass a repository name to import it under`);
    }
    return [`${parseImageReference(options.name).repository}:${refName}`];
  }
  return [normalizeImageName(refName)];
}
