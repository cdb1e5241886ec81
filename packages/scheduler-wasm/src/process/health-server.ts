/**
 * The scheduler's HTTP endpoints, plain HTTP on one address:
 *   GET /healthz   200 "ok" while the process works (500 once the scheduling loop has failed)
 *   GET /readyz    200 "ok" once the caches have synced, else 500 with the reason
 *   GET /metrics   Prometheus text
 * A default address already taken (another scheduler on this machine) falls back to any free port; an address
 * asked for explicitly must be had, or the start fails.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@skiff/client';
import type { BindAddress } from './bind-address.js';
import { EXPOSITION_CONTENT_TYPE } from './metrics/metric-registry.js';

export interface HealthSources {
  healthy(): string | undefined;
  ready(): string | undefined;
  metrics(): string;
}

export interface HealthServer {
  /** http://host:port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

function listen(server: http.Server, addr: BindAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(addr.port, addr.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export async function startHealthServer(addr: BindAddress, explicit: boolean, src: HealthSources, logger: Logger): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      const problem = path === '/readyz' ? (src.healthy() ?? src.ready()) : src.healthy();
      res.writeHead(problem ? 500 : 200, { 'content-type': 'text/plain; charset=utf-8' }).end(problem ? `${problem}\n` : 'ok');
      return;
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE }).end(src.metrics());
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  server.keepAliveTimeout = 5_000;
  try {
    await listen(server, addr);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || explicit) throw e;
    logger.warn({ address: `${addr.host}:${addr.port}` }, 'default metrics address is taken; using a free port');
    await listen(server, { host: addr.host, port: 0 });
  }
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    url: `http://${host}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
