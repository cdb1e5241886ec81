/**
 * The server side of a SPDY/3 session, as much of it as kubectl's port-forward needs: the client opens streams
 * (SYN_STREAM), we accept them (SYN_REPLY) and move bytes both ways (DATA), either side ends its half (FIN) or
 * the whole stream (RST_STREAM), pings are echoed, and each stream's receive window is topped up as it drains.
 *
 * Header compression: incoming header blocks are one zlib stream per session (with the SPDY dictionary), so they
 * are inflated in arrival order, one at a time, which is why frames are handled through a queue. Outgoing header
 * blocks use zlib "stored" blocks, each followed by the empty block a sync flush writes: a valid zlib stream with
 * nothing compressed, which any inflater reads, needing no dictionary and no async step (our replies carry almost
 * no headers).
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import type { Logger } from 'pino';
import { SPDY_DICTIONARY } from './spdy-dictionary.js';
import {
  FLAG_FIN,
  FrameReader,
  FrameType,
  RstStatus,
  controlFrame,
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  goAway,
  rstStream,
  synReply,
  windowUpdate,
  type Frame,
} from './spdy-frames.js';

const MAX_DATA_FRAME = 32 * 1024;
const SYNC_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);
const WINDOW_TOP_UP = 32 * 1024;

export class SpdyStream extends EventEmitter {
  private localEnded = false;
  private remoteEnded = false;
  private closed = false;
  private unacked = 0;

  constructor(
    readonly id: number,
    readonly headers: Record<string, string>,
    private readonly session: SpdySession,
  ) {
    super();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Accepts the stream (SYN_REPLY); FIN when we will never send on it. */
  reply(fin = false): void {
    this.session.send(synReply(this.id, fin ? FLAG_FIN : 0, this.session.headerBlock({})));
    if (fin) this.endLocal();
  }

  write(data: Buffer): void {
    if (this.localEnded || this.closed) return;
    for (let o = 0; o < data.length; o += MAX_DATA_FRAME) this.session.send(dataFrame(this.id, 0, data.subarray(o, o + MAX_DATA_FRAME)));
  }

  /** Ends our half (an empty DATA frame with FIN). */
  end(): void {
    if (this.localEnded || this.closed) return;
    this.session.send(dataFrame(this.id, FLAG_FIN, Buffer.alloc(0)));
    this.endLocal();
  }

  reset(status: number = RstStatus.Cancel): void {
    if (this.closed) return;
    this.session.send(rstStream(this.id, status));
    this.close();
  }

  /** @internal */
  receive(payload: Buffer, fin: boolean): void {
    if (this.closed) return;
    if (payload.length) {
      this.emit('data', payload);
      this.unacked += payload.length;
      if (this.unacked >= WINDOW_TOP_UP) {
        this.session.send(windowUpdate(this.id, this.unacked));
        this.unacked = 0;
      }
    }
    if (fin) this.endRemote();
  }

  /** @internal */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.session.forget(this.id);
    if (!this.remoteEnded) this.emit('end');
    this.emit('close');
  }

  private endLocal(): void {
    this.localEnded = true;
    if (this.remoteEnded) this.close();
  }

  private endRemote(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    this.emit('end');
    if (this.localEnded) this.close();
  }
}

export class SpdySession extends EventEmitter {
  private readonly reader = new FrameReader();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly inflater = zlib.createInflate({ dictionary: SPDY_DICTIONARY });
  private headerStreamStarted = false;
  private queue: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    private readonly logger: Logger,
  ) {
    super();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.reader.push(chunk)) this.queue = this.queue.then(() => this.handle(frame)).catch((err: Error) => this.fail(err));
    });
    socket.on('close', () => this.shutdown());
    socket.on('error', () => this.shutdown());
    this.inflater.on('error', (err) => this.fail(err));
  }

  /** @internal */
  send(frame: Buffer): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(frame);
  }

  /** @internal A header block as a zlib stream of stored blocks (see the file comment). */
  headerBlock(headers: Record<string, string>): Buffer {
    const raw = encodeHeaderBlock(headers);
    const stored = Buffer.alloc(5);
    stored[0] = 0x00;
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    const prefix = this.headerStreamStarted ? Buffer.alloc(0) : Buffer.from([0x78, 0x01]);
    this.headerStreamStarted = true;
    // An empty stored block after the data (what a zlib sync flush writes) is where an inflater hands out what it
    // has: without it, Go's reads past the frame to find the next block and fails.
    return Buffer.concat([prefix, stored, raw, SYNC_MARKER]);
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id);
  }

  close(): void {
    if (this.closed) return;
    this.send(goAway(this.lastStreamId));
    this.socket.end();
    this.shutdown();
  }

  private inflate(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.inflater.write(block);
      this.inflater.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        const out = this.inflater.read() as Buffer | null;
        if (this.inflater.destroyed) reject(new Error('SPDY header block could not be inflated'));
        else resolve(out ?? Buffer.alloc(0));
      });
    });
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.closed) return;
    if (!frame.control) {
      const stream = this.streams.get(frame.streamId);
      if (stream) stream.receive(frame.payload, (frame.flags & FLAG_FIN) !== 0);
      else this.send(rstStream(frame.streamId, RstStatus.InvalidStream));
      return;
    }
    const p = frame.payload;
    switch (frame.type) {
      case FrameType.SynStream: {
        const id = p.readUInt32BE(0) & 0x7fffffff;
        const headers = decodeHeaderBlock(await this.inflate(p.subarray(10)));
        this.lastStreamId = Math.max(this.lastStreamId, id);
        const stream = new SpdyStream(id, headers, this);
        this.streams.set(id, stream);
        this.emit('stream', stream);
        if (frame.flags & FLAG_FIN) stream.receive(Buffer.alloc(0), true);
        return;
      }
      case FrameType.Headers:
        await this.inflate(p.subarray(4));
        return;
      case FrameType.RstStream:
        this.streams.get(p.readUInt32BE(0) & 0x7fffffff)?.close();
        return;
      case FrameType.Ping:
        this.send(controlFrame(FrameType.Ping, 0, p));
        return;
      case FrameType.GoAway:
        this.shutdown();
        this.socket.end();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE and anything newer: nothing to do (we do not limit what we send)
        return;
    }
  }

  private fail(err: Error): void {
    this.logger.debug({ err: err.message }, 'SPDY session failed');
    this.socket.destroy();
    this.shutdown();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) s.close();
    this.inflater.destroy();
    this.emit('close');
  }
}
