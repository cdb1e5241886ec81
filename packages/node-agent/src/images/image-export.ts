import { createReadStream, createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { NodeAgentError } from '../errors.js';
import { digestHex } from './blob-io.js';
import { normalizeImageName } from './image-reference.js';
import type { ImageStore } from './image-store.js';
import { TarWriter } from './tar-writer.js';

/**
 * Writes images from the store as one `docker save`-format archive, which `docker load`, `ctr images import` and
 * `importImage` all read. Each reference becomes a RepoTags entry of its image.
 */
export async function exportDockerArchive(store: ImageStore, refs: string[], file: string): Promise<void> {
  const byImage = new Map<string, { image: NonNullable<ReturnType<ImageStore['get']>>; tags: string[] }>();
  for (const ref of refs) {
    const image = store.get(ref);
    if (!image) throw new NodeAgentError('ImageNotFound', `cannot export "${ref}": no such image in the store`);
    const slot = byImage.get(image.id) ?? { image, tags: [] };
    if (!ref.startsWith('sha256:')) slot.tags.push(normalizeImageName(ref));
    byImage.set(image.id, slot);
  }
  const out = createWriteStream(file);
  const tar = new TarWriter(out);
  const manifest: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
  const written = new Set<string>();
  for (const { image, tags } of byImage.values()) {
    const configName = `${digestHex(image.id)}.json`;
    const layerNames: string[] = [];
    for (const layer of image.layers) {
      const name = `${digestHex(layer.digest)}/layer.tar`;
      layerNames.push(name);
      if (written.has(name)) continue;
      written.add(name);
      await tar.add({ path: digestHex(layer.digest), type: 'directory' });
      await tar.addStream({ path: name, type: 'file' }, layer.size, createReadStream(store.blobPath(layer.digest)));
    }
    if (!written.has(configName)) {
      written.add(configName);
      await tar.add({ path: configName, type: 'file' }, await readFile(store.blobPath(image.id)));
    }
    manifest.push({ Config: configName, RepoTags: tags, Layers: layerNames });
  }
  await tar.add({ path: 'manifest.json', type: 'file' }, Buffer.from(JSON.stringify(manifest)));
  await tar.finish();
}
