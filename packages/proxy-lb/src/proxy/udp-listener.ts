// A UDP virtual service. Each client (address and port) is a flow in the core's connection table and a
// session here: a socket connected to the chosen backend, whose replies go back to the client from the
// service's own address. Every datagram looks its flow up, which refreshes its idle time; a flow the core
// forgets (idle past its timeout, backend removed) ends its session, and the next datagram picks afresh.
import dgram from 'node:dgram';
import net from 'node:net';
import type { FlowKey } from '../core.js';
import { fillFlowKey, newFlowKey } from '../hash.js';
import { TABLE_FULL } from '../status.js';
import type { Listener, ListenerContext } from './listener.js';
import { backendKey, type VirtualServiceSpec } from './virtual-service.js';

/** Datagrams held per session while its socket connects; more are dropped, as a full queue would. */
const MAX_PENDING = 64;

interface Session {
  key: string;
  flow: FlowKey;
  clientAddress: string;
  clientPort: number;
  backend: number;
  socket: dgram.Socket;
  /** False once the socket is closed (its backend refused): the next datagram opens a new one. */
  alive: boolean;
  connected: boolean;
  pending: Buffer[];
  /** Backends that refused this client: excluded from its next choice. */
  refused: number[];
}

export class UdpListener implements Listener {
  private readonly socket: dgram.Socket;
  private readonly sessions = new Map<string, Session>();
  private spec: VirtualServiceSpec;
  private closed = false;
  port = 0;

  constructor(
    spec: VirtualServiceSpec,
    private readonly ctx: ListenerContext,
  ) {
    this.spec = spec;
    const v6 = net.isIPv6(spec.address);
    this.socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
    this.socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo.address, rinfo.port));
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.socket.once('error', onError);
      this.socket.bind({ address: this.spec.address, port: this.spec.port }, () => {
        this.socket.removeListener('error', onError);
        this.socket.on('error', (err) => this.ctx.log.error({ err, service: this.spec.name }, 'udp listener error'));
        this.port = this.socket.address().port;
        resolve();
      });
    });
  }

  update(spec: VirtualServiceSpec): void {
    this.spec = spec;
  }

  private onDatagram(msg: Buffer, address: string, port: number): void {
    if (this.closed) return;
    const { ctx } = this;
    const key = `${address}|${port}`;
    let s = this.sessions.get(key);
    const flow = s?.flow ?? fillFlowKey(newFlowKey(), 'udp', address, port, this.spec.address, this.port, this.spec.hashPort ?? false);
    const b = ctx.core.lookup(ctx.svc, flow, ctx.now(), s?.refused);
    if (b < 0) {
      if (s) this.endSession(s);
      ctx.events.emit('rejected', {
        service: this.spec.name,
        client: `${address}:${port}`,
        reason: b === TABLE_FULL ? 'table-full' : s?.refused.length ? 'all-refused' : 'no-backend',
      });
      return;
    }
    if (!s || !s.alive || s.backend !== b) {
      const refused = s?.refused ?? [];
      if (s) this.endSession(s, false);
      s = this.openSession(key, flow, address, port, b, refused);
      if (!s) return;
    }
    if (s.connected) s.socket.send(msg);
    else if (s.pending.length < MAX_PENDING) s.pending.push(msg);
  }

  private openSession(key: string, flow: FlowKey, address: string, port: number, b: number, refused: number[]): Session | undefined {
    const entry = this.ctx.backends.entry(b);
    if (!entry) {
      this.ctx.log.error({ service: this.spec.name, slot: b }, 'core chose a backend the proxy does not know');
      return undefined;
    }
    const socket = dgram.createSocket({ type: net.isIPv6(entry.address) ? 'udp6' : 'udp4' });
    const s: Session = { key, flow, clientAddress: address, clientPort: port, backend: b, socket, alive: true, connected: false, pending: [], refused };
    this.sessions.set(key, s);
    socket.on('message', (reply) => this.onReply(s, reply));
    socket.on('error', (err: NodeJS.ErrnoException) => this.onSessionError(s, err, backendKey(entry)));
    socket.connect(entry.port, entry.address, () => {
      if (!s.alive) return;
      s.connected = true;
      for (const m of s.pending) socket.send(m);
      s.pending = [];
    });
    return s;
  }

  private onReply(s: Session, reply: Buffer): void {
    if (this.closed || !s.alive || this.sessions.get(s.key) !== s) return;
    const { ctx } = this;
    // Replies count as activity, as they do for IPVS: refresh the flow while it still names this backend.
    const now = ctx.now();
    if (ctx.core.flowBackend(ctx.svc, s.flow, now) === s.backend) ctx.core.lookup(ctx.svc, s.flow, now);
    this.socket.send(reply, s.clientPort, s.clientAddress);
  }

  private onSessionError(s: Session, err: NodeJS.ErrnoException, backend: string): void {
    if (!s.alive || this.sessions.get(s.key) !== s) return;
    const code = err.code ?? 'ERROR';
    this.ctx.log.warn({ service: this.spec.name, backend, code }, 'udp backend refused');
    this.ctx.events.emit('backend-refused', { service: this.spec.name, backend, code });
    // The session stays, dead, to carry its refusals: the next datagram from this client picks another backend.
    if (s.refused.length < this.ctx.maxAttempts) s.refused.push(s.backend);
    this.closeSocket(s);
  }

  private closeSocket(s: Session): void {
    if (!s.alive) return;
    s.alive = false;
    s.pending = [];
    s.socket.close();
  }

  private endSession(s: Session, release = true): void {
    if (this.sessions.get(s.key) === s) this.sessions.delete(s.key);
    this.closeSocket(s);
    if (release && !this.ctx.removed) {
      this.ctx.core.release(this.ctx.svc, s.flow);
      this.ctx.flowEnded();
    }
  }

  tick(): void {
    const { ctx } = this;
    const now = ctx.now();
    for (const s of this.sessions.values()) {
      const tracked = ctx.core.flowBackend(ctx.svc, s.flow, now);
      // Live sessions end when their flow moved or was forgotten; dead ones once the core forgot the flow.
      if (s.alive ? tracked !== s.backend : tracked < 0) this.endSession(s, false);
    }
  }

  /** Sessions open now (for status and tests). */
  sessionCount(): number {
    return this.sessions.size;
  }

  close(): Promise<void> {
    this.closed = true;
    for (const s of [...this.sessions.values()]) this.endSession(s, false);
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
