/**
 * SPDY/3 framing (what kubectl's port-forward speaks after `Upgrade: SPDY/3.1`). Every frame has an 8-byte header:
 *
 *   control: |1| version (15) | type (16) |   data: |0| stream id (31)        |
 *            | flags (8) | length (24)    |         | flags (8) | length (24)  |
 *
 * followed by `length` bytes. Control payloads used here:
 *   SYN_STREAM (1)    stream id, associated id, priority, slot, compressed header block
 *   SYN_REPLY (2)     stream id, compressed header block
 *   RST_STREAM (3)    stream id, status           SETTINGS (4)  count, entries (ignored)
 *   PING (6)          id (echoed)                 GOAWAY (7)    last good stream id, status
 *   HEADERS (8)       stream id, header block     WINDOW_UPDATE (9) stream id, delta
 * Flags: FIN (0x01) ends the sender's side of a stream. A header block, once inflated, is a 32-bit count of
 * name/value pairs, each a 32-bit length and bytes.
 */
export const SPDY_VERSION = 3;

export const FrameType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01;

export const RstStatus = {
  ProtocolError: 1,
  InvalidStream: 2,
  RefusedStream: 3,
  Cancel: 5,
  InternalError: 6,
} as const;

export type Frame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; payload: Buffer };

/** Splits a byte stream into frames; feed it chunks as they arrive. */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const frames: Frame[] = [];
    let offset = 0;
    while (this.buffered.length - offset >= 8) {
      const length = this.buffered.readUIntBE(offset + 5, 3);
      if (this.buffered.length - offset < 8 + length) break;
      const first = this.buffered.readUInt32BE(offset);
      const flags = this.buffered[offset + 4]!;
      const payload = this.buffered.subarray(offset + 8, offset + 8 + length);
      if (first & 0x80000000) frames.push({ control: true, type: first & 0xffff, flags, payload });
      else frames.push({ control: false, streamId: first & 0x7fffffff, flags, payload });
      offset += 8 + length;
    }
    this.buffered = offset === this.buffered.length ? Buffer.alloc(0) : this.buffered.subarray(offset);
    return frames;
  }
}

function header(first: number, flags: number, length: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(first >>> 0, 0);
  h[4] = flags;
  h.writeUIntBE(length, 5, 3);
  return h;
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([header((0x80000000 | (SPDY_VERSION << 16) | type) >>> 0, flags, payload.length), payload]);
}

export function dataFrame(streamId: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([header(streamId & 0x7fffffff, flags, payload.length), payload]);
}

export function synReply(streamId: number, flags: number, headerBlock: Buffer): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & 0x7fffffff);
  return controlFrame(FrameType.SynReply, flags, Buffer.concat([id, headerBlock]));
}

export function rstStream(streamId: number, status: number): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(streamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return controlFrame(FrameType.RstStream, 0, p);
}

export function windowUpdate(streamId: number, delta: number): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(streamId & 0x7fffffff, 0);
  p.writeUInt32BE(delta & 0x7fffffff, 4);
  return controlFrame(FrameType.WindowUpdate, 0, p);
}

export function goAway(lastStreamId: number, status = 0): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(lastStreamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return controlFrame(FrameType.GoAway, 0, p);
}

/** The uncompressed header block of `headers` (names lowercase, as SPDY/3 requires). */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32BE(entries.length);
  parts.push(count);
  for (const [name, value] of entries) {
    for (const s of [name.toLowerCase(), value]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

/** Parses an inflated header block; repeated values (NUL-separated in SPDY) are joined with ", ". */
export function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let o = 0;
  const read = () => {
    const len = block.readUInt32BE(o);
    o += 4;
    const s = block.subarray(o, o + len).toString('utf8');
    o += len;
    return s;
  };
  const count = block.readUInt32BE(o);
  o += 4;
  for (let i = 0; i < count; i++) {
    const name = read().toLowerCase();
    out[name] = read().split('\0').join(', ');
  }
  return out;
}
