/**
 * GET /containerLogs/{namespace}/{pod}/{container}: what the API server's pods/log proxies to. Query parameters
 * are the API's: follow, previous, timestamps, tailLines, limitBytes, sinceSeconds, sinceTime.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CriClient } from '../../cri/cri-client.js';
import { streamLog, type LogStreamOptions } from '../logs/log-streamer.js';
import { findPod, logTarget, RequestError, type PodLookup } from './container-target.js';

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

function int(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RequestError(400, `${name} must be a non-negative integer, not "${v}"`);
  return n;
}

export function logOptions(q: URLSearchParams): LogStreamOptions {
  const sinceSeconds = int(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = Date.now() - sinceSeconds * 1000;
  else if (sinceTime) {
    sinceMs = Date.parse(sinceTime);
    if (Number.isNaN(sinceMs)) throw new RequestError(400, `sinceTime "${sinceTime}" is not an RFC 3339 time`);
  }
  return {
    follow: flag(q, 'follow'),
    timestamps: flag(q, 'timestamps'),
    tailLines: int(q, 'tailLines'),
    limitBytes: int(q, 'limitBytes'),
    sinceMs,
  };
}

export async function serveContainerLogs(
  cri: CriClient,
  pods: PodLookup,
  parts: string[],
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const [namespace, name, container] = parts.map(decodeURIComponent) as [string, string, string];
  const pod = findPod(pods, namespace, name);
  const opts = logOptions(q);
  const target = await logTarget(cri, pod, container, flag(q, 'previous'));
  const { status } = await cri.containerStatus({ containerId: target.id });
  if (!status?.logPath) throw new RequestError(400, `container "${container}" in pod "${name}" has no log`);
  res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
  res.flushHeaders();
  const abort = new AbortController();
  req.on('close', () => abort.abort());
  res.on('close', () => abort.abort());
  const running = async () => {
    const s = await cri.containerStatus({ containerId: target.id }).catch(() => undefined);
    return s?.status?.state === 'CONTAINER_RUNNING';
  };
  await streamLog(status.logPath, opts, res, running, abort.signal);
  res.end();
}
