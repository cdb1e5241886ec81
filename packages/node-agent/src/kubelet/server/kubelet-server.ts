/**
 * The node agent's own HTTP endpoint (port 10250 by default), with the kubelet's paths:
 *
 *   GET /healthz, /metrics, /pods, /stats/summary (CPU and memory of pods and containers, for metrics.k8s.io)
 *   GET /containerLogs/{namespace}/{pod}/{container}?follow=&tailLines=&previous=&timestamps=&...
 *   upgrade /exec/{namespace}/{pod}/{container}?command=..&input=1&output=1&error=1&tty=1   (WebSocket)
 *   upgrade /attach/{namespace}/{pod}/{container}?input=1&output=1&error=1&tty=1           (WebSocket)
 *   upgrade /portForward/{namespace}/{pod}?port=N      SPDY/3.1 (kubectl) or WebSocket (client-node)
 *
 * Plain HTTP for now; `tls` takes a key and certificate to serve HTTPS instead, which is all TLS will need.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { CriClient } from '../../cri/cri-client.js';
import { POD_UID } from '../cri-labels.js';
import { serveContainerLogs } from './container-logs.js';
import { findPod, RequestError, runningContainer, statusBody, type PodLookup } from './container-target.js';
import type { KubeletMetrics } from './metrics.js';
import { dialPodPort } from './runtime-port-dialer.js';
import { servePortForward } from './spdy-port-forward.js';
import { bridgeUpgrade, refuse } from './upgrade-bridge.js';

export interface KubeletServerOptions {
  address: string;
  port: number;
  cri: CriClient;
  pods: PodLookup & { list(): any[] };
  metrics: KubeletMetrics;
  /** The Summary API document; /stats/summary answers 404 without it. */
  summary?: () => Promise<unknown>;
  logger: Logger;
  tls?: { key: Buffer | string; cert: Buffer | string };
}

export interface KubeletServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const SPDY_FORWARD_OVER_WS = 'SPDY/3.1+portforward.k8s.io';

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === '1' || v === 'true';
}

async function readySandbox(cri: CriClient, pod: any): Promise<string> {
  const { items } = await cri.listPodSandbox({ filter: { labelSelector: { [POD_UID]: pod.metadata.uid }, state: { state: 'SANDBOX_READY' } } });
  const sandbox = items.sort((a, b) => (b.metadata?.attempt ?? 0) - (a.metadata?.attempt ?? 0))[0];
  if (!sandbox) throw new RequestError(400, `pod "${pod.metadata.name}" has no running sandbox to forward ports into`);
  return sandbox.id;
}

export async function startKubeletServer(options: KubeletServerOptions): Promise<KubeletServer> {
  const { cri, pods, logger } = options;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method !== 'GET') throw new RequestError(400, `${req.method} is not supported on ${url.pathname}`);
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(options.metrics.render());
    } else if (url.pathname === '/pods' || url.pathname === '/pods/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods.list() }));
    } else if (url.pathname === '/stats/summary' && options.summary) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await options.summary()));
    } else if (parts[0] === 'containerLogs' && parts.length === 4) {
      await serveContainerLogs(cri, pods, parts.slice(1), url.searchParams, req, res);
    } else if (['exec', 'attach', 'portForward'].includes(parts[0] ?? '')) {
      throw new RequestError(400, 'Upgrade request required');
    } else {
      throw new RequestError(404, `no kubelet endpoint at ${url.pathname}`);
    }
  };

  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const q = url.searchParams;
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const upgradeTo = (req.headers.upgrade ?? '').toLowerCase();
    const [kind, namespace, name, container] = parts;
    if (kind === 'portForward' && parts.length === 3) {
      const pod = findPod(pods, namespace!, name!);
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
      if (upgradeTo.startsWith('spdy/')) {
        const sandboxId = await readySandbox(cri, pod);
        servePortForward(socket, head, (port) => dialPodPort(cri, sandboxId, port), logger.child({ pod: `${namespace}/${name}` }));
        return;
      }
      if (offered.includes(SPDY_FORWARD_OVER_WS)) {
        // kubectl 1.30+ tries SPDY tunnelled in WebSocket first and falls back to plain SPDY on a refusal
        throw new RequestError(400, 'port-forward over a WebSocket tunnel is not supported by this node; use SPDY/3.1');
      }
      const ports = [...q.getAll('port'), ...q.getAll('ports').flatMap((p) => p.split(','))].map(Number).filter((p) => p > 0 && p < 65536);
      const { url: target } = await cri.portForward({ podSandboxId: await readySandbox(cri, pod), port: ports });
      await bridgeUpgrade(req, socket, head, `${target}?${ports.map((p) => `port=${p}`).join('&')}`);
      return;
    }
    if ((kind === 'exec' || kind === 'attach') && parts.length === 4) {
      const pod = findPod(pods, namespace!, name!);
      const target = await runningContainer(cri, pod, container!);
      // Checked after the container: kubectl retries a refused WebSocket over SPDY and prints the second refusal,
      // which must then say what was wrong (a container that is not running), not which protocol was tried last.
      if (upgradeTo !== 'websocket') throw new RequestError(400, `${kind} over ${req.headers.upgrade} is not supported by this node; use WebSocket (v5.channel.k8s.io)`);
      const tty = flag(q, 'tty');
      const streams = { stdin: flag(q, 'input'), stdout: flag(q, 'output'), stderr: flag(q, 'error') && !tty, tty };
      const { url: runtimeUrl } =
        kind === 'exec' ? await cri.exec({ containerId: target.id, cmd: q.getAll('command'), ...streams }) : await cri.attach({ containerId: target.id, ...streams });
      await bridgeUpgrade(req, socket, head, runtimeUrl);
      return;
    }
    throw new RequestError(404, `no kubelet streaming endpoint at ${url.pathname}`);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      const code = err instanceof RequestError ? err.code : 500;
      if (code === 500) logger.error({ err: (err as Error).message, path: req.url }, 'kubelet API request failed');
      if (res.headersSent) res.end();
      else res.writeHead(code, { 'content-type': 'application/json' }).end(statusBody(code, (err as Error).message));
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : http.createServer(onRequest);
  // upgraded sockets leave the server's bookkeeping: track them so close() ends streams too
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    socket.on('error', () => socket.destroy());
    upgrade(req, socket, head).catch((err: unknown) => {
      const code = err instanceof RequestError ? err.code : 500;
      if (code === 500) logger.error({ err: (err as Error).message, path: req.url }, 'kubelet streaming request failed');
      refuse(socket, code, statusBody(code, (err as Error).message));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.address, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.address.includes(':') ? `[${options.address}]` : options.address;
  logger.info({ port }, 'kubelet API listening');
  return {
    port,
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    async close() {
      for (const s of upgraded) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
