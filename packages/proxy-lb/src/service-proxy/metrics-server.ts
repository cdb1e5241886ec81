// The proxy's HTTP endpoint, as kube-proxy's metrics and health servers: GET /metrics (Prometheus text) and
// GET /healthz (200 once the rules have synced and while syncs keep happening, 503 otherwise).
import http from 'node:http';
import net from 'node:net';
import { LbError } from '../errors.js';
import { METRICS_CONTENT_TYPE } from './metrics-registry.js';

export interface MetricsServerOptions {
  /** host:port ([v6]:port for IPv6); port 0 picks a free one. */
  bindAddress: string;
  render(): string;
  healthy(): boolean;
}

/** Splits host:port or [v6]:port; throws InvalidArgument on anything else. */
export function parseHostPort(value: string): { host: string; port: number } {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(value) ?? /^([^:[\]]+):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535 || !(net.isIP(m[1]!) || m[1] === 'localhost')) {
    throw new LbError('InvalidArgument', `"${value}" is not IP:port (e.g. 127.0.0.1:10249 or [::1]:10249)`);
  }
  return { host: m[1]!, port };
}

export class MetricsServer {
  private readonly server: http.Server;

  private constructor(
    server: http.Server,
    readonly url: string,
  ) {
    this.server = server;
  }

  static async start(opts: MetricsServerOptions): Promise<MetricsServer> {
    const { host, port } = parseHostPort(opts.bindAddress);
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
      } else if (path === '/metrics') {
        res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(opts.render());
      } else if (path === '/healthz' || path === '/livez') {
        const ok = opts.healthy();
        res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'rules not synced\n');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new LbError('BindFailed', `metrics server on ${opts.bindAddress}: ${e.message}`, { cause: e })));
      server.listen(port, host, () => resolve());
    });
    const bound = server.address() as net.AddressInfo;
    const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    return new MetricsServer(server, `http://${shown}:${bound.port}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
