import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { tarToBuffer, type TarWriteEntry } from '../src/images/tar-writer.js';

/**
 * Builders for image archives in the two formats `importImage` reads, made from plain entry lists so a test can
 * state exactly what each layer holds (including whiteouts and hostile paths).
 */
export interface LayerSpec {
  entries: { entry: TarWriteEntry; data?: Buffer | string }[];
  gzip?: boolean;
}

export interface ImageSpecForArchive {
  repoTags?: string[];
  layers: LayerSpec[];
  cmd?: string[];
  env?: string[];
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function layerBytes(layer: LayerSpec): Promise<{ raw: Buffer; stored: Buffer }> {
  const raw = await tarToBuffer(
    layer.entries.map(({ entry, data }) => ({ entry, data: typeof data === 'string' ? Buffer.from(data) : data })),
  );
  return { raw, stored: layer.gzip ? gzipSync(raw) : raw };
}

function configFor(spec: ImageSpecForArchive, diffIds: string[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: spec.env ?? ['PATH=/bin'], Cmd: spec.cmd ?? ['sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds.map((d) => `sha256:${d}`) },
    }),
  );
}

/** A `docker save` archive: <layer>/layer.tar, <config>.json and manifest.json. */
export async function buildDockerArchive(images: ImageSpecForArchive[]): Promise<Buffer> {
  const files: { entry: TarWriteEntry; data?: Buffer }[] = [];
  const manifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  for (const spec of images) {
    const layerNames: string[] = [];
    const diffIds: string[] = [];
    for (const layer of spec.layers) {
      const { raw, stored } = await layerBytes(layer);
      const id = sha(stored);
      diffIds.push(sha(raw));
      layerNames.push(`${id}/layer.tar`);
      files.push({ entry: { path: id, type: 'directory' } }, { entry: { path: `${id}/layer.tar`, type: 'file' }, data: stored });
    }
    const config = configFor(spec, diffIds);
    files.push({ entry: { path: `${sha(config)}.json`, type: 'file' }, data: config });
    manifest.push({ Config: `${sha(config)}.json`, RepoTags: spec.repoTags ?? null, Layers: layerNames });
  }
  files.push({ entry: { path: 'manifest.json', type: 'file' }, data: Buffer.from(JSON.stringify(manifest)) });
  return tarToBuffer(files);
}

/** An OCI image layout archive; `refName` goes into the org.opencontainers.image.ref.name annotation. */
export async function buildOciArchive(
  spec: ImageSpecForArchive & { refName?: string },
  damage?: { corruptLayer?: boolean },
): Promise<Buffer> {
  const blobs: { entry: TarWriteEntry; data?: Buffer }[] = [];
  const layers = [];
  const diffIds: string[] = [];
  for (const layer of spec.layers) {
    const { raw, stored } = await layerBytes(layer);
    diffIds.push(sha(raw));
    layers.push({
      mediaType: layer.gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar',
      digest: `sha256:${sha(stored)}`,
      size: stored.length,
    });
    const content = damage?.corruptLayer ? Buffer.concat([stored, Buffer.from('tampered')]) : stored;
    blobs.push({ entry: { path: `blobs/sha256/${sha(stored)}`, type: 'file' }, data: content });
  }
  const config = configFor(spec, diffIds);
  blobs.push({ entry: { path: `blobs/sha256/${sha(config)}`, type: 'file' }, data: config });
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
      layers,
    }),
  );
  blobs.push({ entry: { path: `blobs/sha256/${sha(manifest)}`, type: 'file' }, data: manifest });
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: `sha256:${sha(manifest)}`,
        size: manifest.length,
        ...(spec.refName ? { annotations: { 'org.opencontainers.image.ref.name': spec.refName } } : {}),
      },
    ],
  };
  return tarToBuffer([
    { entry: { path: 'oci-layout', type: 'file' }, data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { entry: { path: 'index.json', type: 'file' }, data: Buffer.from(JSON.stringify(index)) },
    { entry: { path: 'blobs', type: 'directory' } },
    { entry: { path: 'blobs/sha256', type: 'directory' } },
    ...blobs,
  ]);
}

/** Shorthand for a regular file entry. */
export function file(path: string, data: string, mode = 0o644): { entry: TarWriteEntry; data: string } {
  return { entry: { path, type: 'file', mode }, data };
}

export function dir(path: string): { entry: TarWriteEntry } {
  return { entry: { path, type: 'directory' } };
}
