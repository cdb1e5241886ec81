/**
 * exec, attach and portforward are upgrades (WebSocket channel protocols, or SPDY/3.1): once the node agent
 * answers 101, client and node talk through us byte for byte, whatever the protocol, as the real server's
 * upgrade-aware proxy does. Before that, failures are answered on the raw socket as Status JSON.
 *
 *   client: GET /api/v1/namespaces/ns/pods/web/exec?command=ls&stdout=true   (Upgrade: websocket)
 *   node:   GET /exec/ns/web/app?command=ls&output=1                          (same headers)
 */
import net from 'node:net';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { isStatusError, internalError, type Status } from '@skiff/api';
import { parseRequestTarget } from '../http/request-info.js';
import type { ServerContext } from '../rest/server-context.js';
import { kubeletTarget } from './kubelet-target.js';

const STREAM_PARAMS: Record<string, string> = { stdin: 'input', stdout: 'output', stderr: 'error', tty: 'tty' };

/** The node agent's path for an exec/attach/portforward request. */
export function kubeletPath(sub: string, namespace: string, pod: string, container: string, q: URLSearchParams): string {
  const params = new URLSearchParams();
  if (sub === 'portforward') {
    for (const p of q.getAll('ports')) params.append('port', p);
    const query = params.size ? `?${params}` : '';
    return `/portForward/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}${query}`;
  }
  for (const c of q.getAll('command')) params.append('command', c);
  for (const [ours, theirs] of Object.entries(STREAM_PARAMS)) {
    const v = q.get(ours);
    if (v === 'true' || v === '1') params.set(theirs, '1');
  }
  const base = sub === 'exec' ? 'exec' : 'attach';
  return `/${base}/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/${encodeURIComponent(container)}?${params}`;
}

function refuse(socket: Duplex, status: Status): void {
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const HOP_BY_HOP = new Set(['host', 'content-length', 'transfer-encoding']);

async function proxy(ctx: ServerContext, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const url = req.url ?? '/';
  const qi = url.indexOf('?');
  const target = parseRequestTarget(qi < 0 ? url : url.slice(0, qi));
  const q = new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1));
  if (target.kind !== 'resource' || target.group !== '' || target.resource !== 'pods' || !target.namespace || !target.name) {
    refuse(socket, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 });
    return;
  }
  const sub = target.subresource ?? '';
  const node = await kubeletTarget(ctx, target.namespace, target.name, q.get('container'), sub !== 'portforward');
  const path = kubeletPath(sub, target.namespace, target.name, node.container, q);
  const upstream = net.connect({ host: node.host, port: node.port });
  await new Promise<void>((resolve, reject) => {
    upstream.once('connect', resolve);
    upstream.once('error', reject);
  }).catch((e: Error) => {
    throw Object.assign(new Error(`unable to reach the node agent of pod ${target.name} at ${node.host}:${node.port}: ${e.message}`), { unreachable: true });
  });
  const lines = [`${req.method} ${path} HTTP/1.1`, `Host: ${node.host}:${node.port}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!HOP_BY_HOP.has(req.rawHeaders[i]!.toLowerCase())) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  upstream.write(lines.join('\r\n') + '\r\n\r\n');
  if (head.length) upstream.write(head);
  upstream.pipe(socket);
  socket.pipe(upstream);
  const close = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.on('error', close);
  socket.on('error', close);
  upstream.on('close', close);
  socket.on('close', close);
}

/** Routes upgrade requests of pods/{exec,attach,portforward} to their node agents. */
export function installUpgradeProxy(server: Server, ctx: ServerContext): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    proxy(ctx, req, socket, head).catch((e: unknown) => {
      if (isStatusError(e)) refuse(socket, e.status);
      else if ((e as { unreachable?: boolean }).unreachable) {
        refuse(socket, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: (e as Error).message, reason: 'ServiceUnavailable', code: 503 });
      } else {
        ctx.logger.error({ err: e }, 'upgrade proxy failed');
        refuse(socket, internalError(e).status);
      }
    });
  });
}
