/**
 * One TCP connection to a port inside a pod, through the runtime's streaming server: the CRI's PortForward gives
 * a one-time URL, and its WebSocket port-forward protocol carries the bytes (v5.channel.k8s.io: channel 0 data,
 * channel 1 errors, each opened by a 2-byte port number; [255, 0] half-closes). The kubelet never dials pods
 * itself: the runtime does it from inside the pod's network namespace, so ports bound to the pod's localhost work.
 */
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import type { CriClient } from '../../cri/cri-client.js';

const DATA = 0;
const ERROR = 1;
const CLOSE = 255;

export class PodPortConnection extends EventEmitter {
  private readonly seenPrefix = new Set<number>();
  private ended = false;

  constructor(private readonly ws: WebSocket) {
    super();
    ws.on('message', (msg: Buffer) => this.onMessage(msg));
    ws.on('close', () => {
      if (!this.ended) {
        this.ended = true;
        this.emit('end');
      }
      this.emit('close');
    });
    ws.on('error', (err) => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
  }

  private onMessage(msg: Buffer): void {
    const channel = msg[0]!;
    let payload = msg.subarray(1);
    if (channel === CLOSE) {
      if (payload[0] === DATA && !this.ended) {
        this.ended = true;
        this.emit('end');
      }
      return;
    }
    if (!this.seenPrefix.has(channel)) {
      this.seenPrefix.add(channel);
      payload = payload.subarray(2);
    }
    if (payload.length === 0) return;
    if (channel === DATA) this.emit('data', payload);
    else if (channel === ERROR) this.emit('remote-error', payload.toString('utf8'));
  }

  write(data: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(Buffer.concat([Buffer.from([DATA]), data]));
  }

  /** Half-close: the client will send nothing more. */
  end(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(Buffer.from([CLOSE, DATA]));
  }

  destroy(): void {
    this.ws.terminate();
  }
}

export async function dialPodPort(cri: CriClient, sandboxId: string, port: number): Promise<PodPortConnection> {
  const { url } = await cri.portForward({ podSandboxId: sandboxId, port: [port] });
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}?port=${port}`, ['v5.channel.k8s.io']);
  // listen before the socket opens: the runtime's first messages can arrive in the same turn as 'open'
  const conn = new PodPortConnection(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`the runtime refused the port-forward stream (${res.statusCode})`)));
  });
  return conn;
}
