import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { pipeline, type Readable } from 'node:stream';
import { NodeAgentError } from '../errors.js';

/** `sha256:<hex>` and size of a file, streamed. */
export async function digestFile(path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

export function digestBytes(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The hex part of `sha256:<hex>`; throws for any other algorithm or a malformed digest. */
export function digestHex(digest: string): string {
  const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
  if (!m) throw new NodeAgentError('InvalidImageArchive', `unsupported or malformed digest "${digest}" (only sha256 is supported)`);
  return m[1];
}

export type Compression = 'none' | 'gzip' | 'zstd';

export async function detectCompression(path: string): Promise<Compression> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
    return 'none';
  } finally {
    await handle.close();
  }
}

/** The uncompressed bytes of a layer or archive file, whatever its compression. */
export async function openUncompressed(path: string): Promise<Readable> {
  const compression = await detectCompression(path);
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  if (compression === 'none') return raw;
  // pipeline (not pipe) so a read error of the file reaches whoever consumes the decompressed stream
  if (compression === 'gzip') return pipeline(raw, zlib.createGunzip(), () => undefined);
  const zstd = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
  if (!zstd) {
    raw.destroy();
    throw new NodeAgentError(
      'UnsupportedMediaType',
      `${path} is zstd-compressed, which this Node.js (${process.version}) cannot decompress; ` +
        're-export the image with gzip or uncompressed layers, or run on Node >= 22.15',
    );
  }
  return pipeline(raw, zstd(), () => undefined) as unknown as Readable;
}
