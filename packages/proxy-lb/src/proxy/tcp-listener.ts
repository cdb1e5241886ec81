// A TCP virtual service: accepts a client, asks the core for a backend, connects, and splices the two. A
// backend that refuses (or does not answer within the connect timeout) is excluded and another is tried; when
// none is left, or the service has no ready backend, the client is reset at once.
import net, { type Socket } from 'node:net';
import type { FlowKey } from '../core.js';
import { fillFlowKey, newFlowKey } from '../hash.js';
import { TABLE_FULL } from '../status.js';
import type { Listener, ListenerContext } from './listener.js';
import { splice } from './splice.js';
import { backendKey, type RejectReason, type VirtualServiceSpec } from './virtual-service.js';

export class TcpListener implements Listener {
  private readonly server: net.Server;
  private spec: VirtualServiceSpec;
  private closed = false;
  port = 0;

  constructor(
    spec: VirtualServiceSpec,
    private readonly ctx: ListenerContext,
  ) {
    this.spec = spec;
    this.server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true, noDelay: true }, (c) => this.accept(c));
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      // ipv6Only: an IPv6 node port on :: must not also claim the IPv4 wildcard its IPv4 twin listens on.
      const ipv6Only = net.isIPv6(this.spec.address);
      this.server.listen({ host: this.spec.address, port: this.spec.port, backlog: 4096, ipv6Only }, () => {
        this.server.removeListener('error', onError);
        this.server.on('error', (err) => this.ctx.log.error({ err, service: this.spec.name }, 'listener error'));
        this.port = (this.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  update(spec: VirtualServiceSpec): void {
    this.spec = spec;
  }

  tick(): void {}

  close(): Promise<void> {
    this.closed = true;
    // server.close()'s callback waits for every accepted connection to end; established connections are meant
    // to outlive the service, so wait only for the listening handle, which closes within one loop turn.
    this.server.close();
    return new Promise((resolve) => setImmediate(resolve));
  }

  private accept(client: Socket): void {
    if (this.closed || client.remoteAddress === undefined) {
      client.destroy();
      return;
    }
    client.on('error', () => {});
    const flow = fillFlowKey(
      newFlowKey(), 'tcp', client.remoteAddress, client.remotePort ?? 0, client.localAddress ?? this.spec.address,
      this.port, this.spec.hashPort ?? false,
    );
    new ConnectionAttempt(this.ctx, this.spec.name, client, flow).next();
  }
}

/** One client's way to a backend: lookups, with every refusing backend excluded from the next. */
class ConnectionAttempt {
  private readonly excluded: number[] = [];
  private upstream: Socket | undefined;
  private done = false;

  constructor(
    private readonly ctx: ListenerContext,
    private readonly service: string,
    private readonly client: Socket,
    private readonly flow: FlowKey,
  ) {
    client.once('close', () => {
      // The client gave up while we were still dialing.
      if (!this.done) this.finish(() => this.upstream?.destroy());
    });
  }

  next(): void {
    const { ctx } = this;
    if (this.done) return;
    if (ctx.removed) {
      this.reject('no-backend');
      return;
    }
    const b = ctx.core.lookup(ctx.svc, this.flow, ctx.now(), this.excluded);
    if (b < 0) {
      this.reject(b === TABLE_FULL ? 'table-full' : this.excluded.length > 0 ? 'all-refused' : 'no-backend');
      return;
    }
    const entry = ctx.backends.entry(b);
    if (!entry) {
      // The core and the backend set disagree: a broken invariant, not a client's problem to retry.
      ctx.log.error({ service: this.service, slot: b }, 'core chose a backend the proxy does not know');
      this.reject('no-backend');
      return;
    }
    const upstream = net.connect({ host: entry.address, port: entry.port, allowHalfOpen: true, noDelay: true });
    this.upstream = upstream;
    upstream.setTimeout(ctx.connectTimeoutMs);
    const onTimeout = () => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
    const onError = (err: NodeJS.ErrnoException) => {
      upstream.removeListener('timeout', onTimeout);
      if (this.done) return;
      const backend = backendKey(entry);
      const code = err.code ?? 'ERROR';
      ctx.log.warn({ service: this.service, backend, code }, 'backend refused a connection');
      ctx.events.emit('backend-refused', { service: this.service, backend, code });
      this.excluded.push(b);
      if (this.excluded.length >= ctx.maxAttempts) this.reject('all-refused');
      else this.next();
    };
    upstream.once('error', onError);
    upstream.once('timeout', onTimeout);
    upstream.once('connect', () => {
      upstream.removeListener('error', onError);
      upstream.removeListener('timeout', onTimeout);
      upstream.setTimeout(0);
      if (this.done) {
        upstream.destroy();
        return;
      }
      this.done = true;
      splice(this.client, upstream, () => this.release());
    });
  }

  private reject(reason: RejectReason): void {
    this.finish(() => {
      if (!this.client.destroyed) this.client.resetAndDestroy();
      this.ctx.events.emit('rejected', { service: this.service, client: `${this.client.remoteAddress}:${this.client.remotePort}`, reason });
    });
  }

  private finish(action: () => void): void {
    this.done = true;
    action();
    this.release();
  }

  private release(): void {
    const { ctx } = this;
    if (ctx.removed) return;
    ctx.core.release(ctx.svc, this.flow);
    ctx.flowEnded();
  }
}
