/**
 * Hands an upgrade request (exec, attach, or client-node's WebSocket port-forward) to the runtime's streaming
 * server: the CRI gave a one-time URL, so the request is re-sent there with the client's own upgrade headers and
 * from then on the two sockets are spliced, whatever protocol they speak. This is the kubelet's streaming proxy:
 * the runtime's server stays on the node's loopback and only the kubelet's port is exposed.
 */
import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const DROP = new Set(['host', 'content-length', 'transfer-encoding']);

export function refuse(socket: Duplex, code: number, body: string): void {
  const text = code === 404 ? 'Not Found' : code === 400 ? 'Bad Request' : code === 503 ? 'Service Unavailable' : 'Internal Server Error';
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export async function bridgeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: string): Promise<void> {
  const target = new URL(url);
  const upstream = net.connect({ host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port) });
  await new Promise<void>((resolve, reject) => {
    upstream.once('connect', resolve);
    upstream.once('error', reject);
  });
  const lines = [`${req.method} ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!DROP.has(req.rawHeaders[i]!.toLowerCase())) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
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
