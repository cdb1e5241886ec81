import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AttachRequest, ExecRequest, PortForwardRequest } from '../cri/cri-messages.js';
import { EXEC_PROTOCOLS } from './channel-protocol.js';
import { runAttach, runExec, type StreamingRuntime } from './exec-attach.js';
import { PORT_FORWARD_PROTOCOLS, runPortForward } from './port-forward.js';
import { StreamTokens } from './stream-tokens.js';

/**
 * The runtime's streaming server: Exec, Attach and PortForward return URLs on it, and the kubelet (or any client)
 * connects there with a WebSocket upgrade:
 *
 *   GET /exec/<token>         v5.channel.k8s.io or v4.channel.k8s.io
 *   GET /attach/<token>       same protocols
 *   GET /portforward/<token>  kubelet's WebSocket port-forward (?port=N, repeated), v4/v5.channel.k8s.io,
 *                             portforward.k8s.io or no subprotocol
 *
 * SPDY is not spoken: a SPDY upgrade gets 400 with a message saying so.
 */
export interface StreamingServerOptions {
  /** Address to listen on; the URLs name it. Default 127.0.0.1 (the kubelet runs on the same node). */
  address?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  logger: Logger;
}

type Pending =
  | { kind: 'exec'; request: ExecRequest }
  | { kind: 'attach'; request: AttachRequest }
  | { kind: 'portforward'; request: PortForwardRequest };

export class StreamingServer {
  private readonly tokens = new StreamTokens<Pending>();
  private readonly wss: WebSocketServer;
  private server: Server | undefined;
  private base = '';
  private readonly logger: Logger;

  constructor(
    private readonly runtime: StreamingRuntime,
    private readonly options: StreamingServerOptions,
  ) {
    this.logger = options.logger.child({ component: 'streaming' });
    this.wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (offered, req) => {
        const wanted = req.url?.startsWith('/portforward/') ? PORT_FORWARD_PROTOCOLS : EXEC_PROTOCOLS;
        return wanted.find((p) => offered.has(p)) ?? false;
      },
    });
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('Skiff streaming server: connect with a WebSocket upgrade (v5.channel.k8s.io or v4.channel.k8s.io); SPDY is not supported\n');
    });
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.address ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.base = `http://${host}:${address.port}`;
    this.logger.info({ url: this.base }, 'streaming server listening');
    return this.base;
  }

  get url(): string {
    return this.base;
  }

  execUrl(request: ExecRequest): string {
    return `${this.base}/exec/${this.tokens.issue({ kind: 'exec', request })}`;
  }

  attachUrl(request: AttachRequest): string {
    return `${this.base}/attach/${this.tokens.issue({ kind: 'attach', request })}`;
  }

  portForwardUrl(request: PortForwardRequest): string {
    return `${this.base}/portforward/${this.tokens.issue({ kind: 'portforward', request })}`;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://streaming');
    const match = /^\/(exec|attach|portforward)\/([\w-]+)$/.exec(url.pathname);
    const reject = (status: number, message: string) => {
      const head = [
        `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Bad Request'}`,
        'content-type: text/plain',
        `content-length: ${Buffer.byteLength(message)}`,
        'connection: close',
      ];
      socket.end(`${head.join('\r\n')}\r\n\r\n${message}`);
    };
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return reject(400, 'only WebSocket upgrades are supported (v5.channel.k8s.io, v4.channel.k8s.io); SPDY is not\n');
    }
    if (!match) return reject(404, `no streaming endpoint at ${url.pathname}\n`);
    const pending = this.tokens.take(match[2]);
    if (!pending || pending.kind !== match[1]) return reject(404, 'unknown or expired streaming token: ask the runtime for a new URL\n');
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const log = this.logger.child({ kind: pending.kind, protocol: ws.protocol });
      const done = (err: unknown) => log.debug({ err }, 'streaming session ended with an error');
      if (pending.kind === 'exec') runExec(ws, pending.request, this.runtime, log).catch(done);
      else if (pending.kind === 'attach') runAttach(ws, pending.request, this.runtime, log).catch(done);
      else runPortForward(ws, pending.request, url.searchParams, this.runtime, log).catch(done);
    });
  }
}
