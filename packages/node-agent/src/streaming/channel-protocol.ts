import { PassThrough, Writable } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Kubernetes' WebSocket channel protocol (v4.channel.k8s.io and v5.channel.k8s.io): every binary message starts
 * with a channel byte.
 *
 *   0 stdin (client -> server)   1 stdout   2 stderr   3 error/status (a metav1.Status in JSON)
 *   4 resize, {"Width":W,"Height":H}          255 close (v5 only): [255, channel] ends that channel's stream
 */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export interface TerminalSize {
  width: number;
  height: number;
}

export class ChannelConnection {
  /** What the client sends on stdin; ends when the client closes stdin (v5) or the connection. */
  readonly stdin = new PassThrough();
  private readonly resizeListeners = new Set<(size: TerminalSize) => void>();
  private readonly channelListeners = new Map<number, (payload: Buffer) => void>();
  private readonly closeListeners = new Map<number, () => void>();
  private closed = false;

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = isBinary ? data : Buffer.from(data);
      if (frame.length === 0) return;
      const channel = frame[0];
      const payload = frame.subarray(1);
      const listener = this.channelListeners.get(channel);
      if (listener) {
        listener(payload);
      } else if (channel === Channel.close) {
        const onClose = this.closeListeners.get(payload[0]);
        if (onClose) onClose();
        else if (payload[0] === Channel.stdin) this.stdin.end();
      } else if (channel === Channel.stdin) {
        if (payload.length > 0 && !this.stdin.writableEnded) this.stdin.write(payload);
      } else if (channel === Channel.resize) {
        try {
          const size = JSON.parse(payload.toString('utf8')) as { Width?: number; Height?: number };
          for (const listener of this.resizeListeners) listener({ width: size.Width ?? 0, height: size.Height ?? 0 });
        } catch {
          // a malformed resize is ignored, as the kubelet does
        }
      }
    });
    ws.on('close', () => {
      this.closed = true;
      if (!this.stdin.writableEnded) this.stdin.end();
    });
    ws.on('error', () => undefined);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  onResize(listener: (size: TerminalSize) => void): void {
    this.resizeListeners.add(listener);
  }

  /** Routes frames of `channel` to `listener` instead of the stdio handling (port-forward's data channels). */
  onChannel(channel: number, listener: (payload: Buffer) => void): void {
    this.channelListeners.set(channel, listener);
  }

  /** Called when a v5 client closes `channel` ([255, channel]). */
  onChannelClose(channel: number, listener: () => void): void {
    this.closeListeners.set(channel, listener);
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.ws.once('close', listener);
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  send(channel: number, data: Buffer): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  }

  /** A Writable that sends what is written as frames on `channel`, with backpressure from the socket. */
  writer(channel: number): Writable {
    return new Writable({
      write: (chunk: Buffer, _enc, done) => {
        if (this.closed || this.ws.readyState !== this.ws.OPEN) return done();
        this.ws.send(Buffer.concat([Buffer.from([channel]), chunk]), { binary: true }, () => done());
      },
    });
  }

  /** Sends the final status on the error channel and closes normally. */
  finish(exitCode: number | undefined, failure?: string): void {
    let status: Record<string, unknown>;
    if (failure !== undefined) status = { metadata: {}, status: 'Failure', message: failure, reason: 'InternalError', code: 500 };
    else if (!exitCode) status = { metadata: {}, status: 'Success' };
    else {
      status = {
        metadata: {},
        status: 'Failure',
        message: `command terminated with non-zero exit code: exit status ${exitCode}`,
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
      };
    }
    this.send(Channel.error, Buffer.from(JSON.stringify(status)));
    this.close();
  }

  close(code = 1000, reason = ''): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
    this.closed = true;
  }
}
