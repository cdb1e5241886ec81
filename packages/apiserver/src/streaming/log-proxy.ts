/**
 * pods/log: GET /api/v1/namespaces/{ns}/pods/{name}/log?container=&follow=&tailLines=... becomes
 * GET /containerLogs/{ns}/{pod}/{container}?... on the pod's node agent, streamed back as it comes.
 */
import http from 'node:http';
import { serviceUnavailable } from '@skiff/api';
import type { FastifyReply } from 'fastify';
import { CACHE_CONTROL } from '../http/respond.js';
import type { ServerContext } from '../rest/server-context.js';
import { kubeletTarget } from './kubelet-target.js';

const LOG_PARAMS = ['follow', 'previous', 'timestamps', 'tailLines', 'limitBytes', 'sinceSeconds', 'sinceTime', 'insecureSkipTLSVerifyBackend'];

export async function proxyLogs(ctx: ServerContext, reply: FastifyReply, namespace: string, name: string, q: URLSearchParams): Promise<void> {
  const target = await kubeletTarget(ctx, namespace, name, q.get('container'));
  const params = new URLSearchParams();
  for (const p of LOG_PARAMS) {
    const v = q.get(p);
    if (v !== null) params.set(p, v);
  }
  const path = `/containerLogs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(target.container)}${params.size ? `?${params}` : ''}`;
  const upstream = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.get({ host: target.host, port: target.port, path, timeout: 10_000 }, resolve);
    req.on('timeout', () => req.destroy(new Error('timed out connecting')));
    req.on('error', (e) => reject(serviceUnavailable(`unable to reach the node agent of pod ${name} at ${target.host}:${target.port}: ${e.message}`)));
  });
  reply.hijack();
  const res = reply.raw;
  const code = upstream.statusCode ?? 502;
  res.writeHead(code, {
    'content-type': upstream.headers['content-type'] ?? (code < 300 ? 'text/plain' : 'application/json'),
    'cache-control': CACHE_CONTROL,
    'transfer-encoding': 'chunked',
  });
  upstream.pipe(res);
  // The client leaving ends the follow on the node too.
  res.on('close', () => upstream.destroy());
  upstream.on('error', () => res.end());
}
