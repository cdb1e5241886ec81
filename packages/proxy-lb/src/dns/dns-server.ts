// The cluster's DNS, served by every node's proxy on the cluster DNS address (the kube-dns Service's cluster IP),
// as NodeLocal DNSCache serves it on each node: pods' resolv.conf names that address, and its packets end at this
// node's proxy. Names in the cluster's zone are answered from the proxy's own view of Services and
// EndpointSlices; others are forwarded to the node's resolvers. UDP and TCP (RFC 7766: length-prefixed messages,
// several per connection), as resolvers retry over TCP when a UDP answer comes back truncated.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from 'pino';
import { ClusterZone, type ClusterView } from './cluster-records.js';
import { forwardQuery, type Upstream } from './dns-forwarder.js';
import { DnsFormatError, encodeBareError, encodeResponse, parseQuery, RCODE } from './dns-message.js';

export interface ClusterDnsOptions {
  address: string;
  /** 53 unless testing. */
  port?: number;
  /** The cluster domain; cluster.local by default. */
  zone?: string;
  /** Seconds; 5 by default, as CoreDNS's kubernetes plugin. */
  ttl?: number;
  view: ClusterView;
  /** Where names outside the zone go; none: they are answered SERVFAIL. */
  upstreams: Upstream[];
  /** Per upstream, before the next is tried. */
  forwardTimeoutMs?: number;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
}

/** A TCP connection that sends nothing for this long is closed (RFC 7766 suggests seconds, not minutes). */
const TCP_IDLE_MS = 10_000;
/** A TCP client may not hold more than this unparsed (a message is at most 64 KiB plus its length). */
const TCP_MAX_PENDING = 65_537;

export class ClusterDnsServer {
  private readonly zone: ClusterZone;
  private readonly udp: dgram.Socket;
  private readonly tcp: net.Server;
  private readonly conns = new Set<net.Socket>();
  private closed = false;
  readonly queries = { local: 0, forwarded: 0, failed: 0 };

  private constructor(private readonly opts: ClusterDnsOptions) {
    this.zone = new ClusterZone(opts.view, { zone: opts.zone ?? 'cluster.local', ttl: opts.ttl ?? 5 });
    this.udp = dgram.createSocket({ type: net.isIPv6(opts.address) ? 'udp6' : 'udp4' });
    this.tcp = net.createServer((c) => this.serveTcp(c));
  }

  /**
   * Listens on address:port (UDP and TCP, the same port); rejects if either cannot bind. Port 0 takes any port
   * free for both: the one UDP got may be taken for TCP, and then another is tried.
   */
  static async start(opts: ClusterDnsOptions): Promise<ClusterDnsServer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ClusterDnsServer.listen(opts);
      } catch (e) {
        const inUse = /EADDRINUSE/.test((e as Error).message);
        if (!inUse || (opts.port ?? 53) !== 0 || attempt >= 20) throw e;
      }
    }
  }

  private static async listen(opts: ClusterDnsOptions): Promise<ClusterDnsServer> {
    const s = new ClusterDnsServer(opts);
    try {
      await new Promise<void>((resolve, reject) => {
        s.udp.once('error', reject);
        s.udp.bind({ address: opts.address, port: opts.port ?? 53, exclusive: true }, () => {
          s.udp.off('error', reject);
          resolve();
        });
      });
      // Whatever port UDP got (0 asks for any), TCP takes the same one, as resolvers expect.
      await new Promise<void>((resolve, reject) => {
        s.tcp.once('error', reject);
        s.tcp.listen({ host: opts.address, port: s.udp.address().port }, () => {
          s.tcp.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      await s.close();
      throw new Error(`cluster DNS cannot listen on ${opts.address}:${opts.port ?? 53}: ${(e as Error).message}`);
    }
    s.udp.on('message', (msg, rinfo) => void s.serveUdp(msg, rinfo));
    s.udp.on('error', (err) => opts.log.warn({ err }, 'cluster DNS UDP socket error'));
    s.tcp.on('error', (err) => opts.log.warn({ err }, 'cluster DNS TCP listener error'));
    opts.log.info({ address: opts.address, port: s.port, zone: opts.zone ?? 'cluster.local', upstreams: opts.upstreams }, 'cluster DNS serving');
    return s;
  }

  get port(): number {
    return this.udp.address().port;
  }

  /** The response to one message, or undefined when it cannot be answered at all (not even its id is readable). */
  async respond(msg: Buffer, maxSize: number | 'udp'): Promise<Buffer | undefined> {
    let q;
    try {
      q = parseQuery(msg);
    } catch (e) {
      if (e instanceof DnsFormatError && e.id !== undefined) return encodeBareError(e.id, RCODE.FORMERR);
      return undefined;
    }
    const limit = maxSize === 'udp' ? q.udpSize : maxSize;
    if (q.opcode !== 0) return encodeResponse(q, { rcode: RCODE.NOTIMP, authoritative: false, answers: [] }, limit);
    if (this.zone.contains(q.name)) {
      this.queries.local++;
      try {
        return encodeResponse(q, this.zone.answer(q.name, q.type), limit);
      } catch (err) {
        // A record the wire format cannot carry (an ExternalName label over 63 bytes, say): that query fails,
        // the server goes on.
        this.opts.log.warn({ err, name: q.name }, 'cluster DNS could not answer a query');
        return encodeResponse(q, { rcode: RCODE.SERVFAIL, authoritative: false, answers: [] }, limit);
      }
    }
    const res = this.opts.upstreams.length ? await forwardQuery(this.opts.upstreams, msg, this.opts.forwardTimeoutMs ?? 2000) : undefined;
    if (res) {
      this.queries.forwarded++;
      return res;
    }
    this.queries.failed++;
    return encodeResponse(q, { rcode: RCODE.SERVFAIL, authoritative: false, answers: [] }, limit);
  }

  private async serveUdp(msg: Buffer, rinfo: dgram.RemoteInfo): Promise<void> {
    const res = await this.respond(msg, 'udp');
    if (res && !this.closed) this.udp.send(res, rinfo.port, rinfo.address);
  }

  private serveTcp(c: net.Socket): void {
    this.conns.add(c);
    c.setTimeout(TCP_IDLE_MS, () => c.destroy());
    c.on('error', () => {});
    c.on('close', () => this.conns.delete(c));
    let pending: Buffer = Buffer.alloc(0);
    // Answers go out in the order their queries came, one after another.
    let chain: Promise<void> = Promise.resolve();
    c.on('data', (d: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, d]) : d;
      if (pending.length > TCP_MAX_PENDING) return void c.destroy();
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < 2 + len) break;
        const msg = pending.subarray(2, 2 + len);
        pending = pending.subarray(2 + len);
        chain = chain.then(async () => {
          const res = await this.respond(Buffer.from(msg), 65535);
          if (!res) return void c.destroy();
          if (c.destroyed) return;
          const framed = Buffer.alloc(2 + res.length);
          framed.writeUInt16BE(res.length, 0);
          res.copy(framed, 2);
          c.write(framed);
        });
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.conns) c.destroy();
    await Promise.all([
      new Promise<void>((r) => {
        try {
          this.udp.close(() => r());
        } catch {
          r();
        }
      }),
      new Promise<void>((r) => (this.tcp.listening ? this.tcp.close(() => r()) : r())),
    ]);
  }
}
