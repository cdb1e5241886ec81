/**
 * The actions probes and lifecycle hooks run: exec (through the CRI's ExecSync), httpGet, tcpSocket and grpc
 * (grpc.health.v1.Health/Check). Each returns success or failure with the message the kubelet would show in an
 * Unhealthy event; none throws for an unhealthy target.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { CriClient } from '../../cri/cri-client.js';
import { isNodeAgentError } from '../../errors.js';

export interface ActionResult {
  ok: boolean;
  /** Why it failed (or the exec output): what Unhealthy events and hook failures say. */
  message: string;
}

const MAX_OUTPUT = 10 * 1024;

function hostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function execAction(cri: CriClient, containerId: string, cmd: string[], timeoutMs: number): Promise<ActionResult> {
  try {
    const timeout = Math.max(1, Math.ceil(timeoutMs / 1000));
    const res = await cri.execSync({ containerId, cmd, timeout }, { timeoutMs: timeoutMs + 5000 });
    const output = Buffer.concat([res.stdout, res.stderr]).subarray(0, MAX_OUTPUT).toString('utf8');
    if (res.exitCode === 0) return { ok: true, message: output };
    return { ok: false, message: output || `command ${JSON.stringify(cmd.join(' '))} exited with ${res.exitCode}` };
  } catch (err) {
    if (isNodeAgentError(err) && err.grpcCode === grpc.status.DEADLINE_EXCEEDED) {
      return { ok: false, message: `command ${JSON.stringify(cmd.join(' '))} timed out after ${timeoutMs / 1000}s` };
    }
    return { ok: false, message: (err as Error).message };
  }
}

export interface HttpGetTarget {
  scheme: 'HTTP' | 'HTTPS';
  host: string;
  port: number;
  path: string;
  headers: { name: string; value: string }[];
}

/** 200-399 is success, as for the kubelet; the body is read (up to 10 KiB) and dropped. */
export function httpGetAction(target: HttpGetTarget, timeoutMs: number, userAgent = 'kube-probe/1.32'): Promise<ActionResult> {
  const path = target.path.startsWith('/') ? target.path : `/${target.path}`;
  const url = `${target.scheme.toLowerCase()}://${hostPort(target.host, target.port)}${path}`;
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'User-Agent': userAgent, Accept: '*/*' };
    for (const h of target.headers) headers[h.name] = h.value;
    const mod = target.scheme === 'HTTPS' ? https : http;
    const req = mod.get(url, { headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_OUTPUT) res.destroy();
      });
      const done = () => {
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { ok: true, message: '' } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
      };
      res.once('end', done);
      res.once('close', done);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ETIMEDOUT' ? `context deadline exceeded (Client.Timeout exceeded while awaiting headers)` : err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message;
      resolve({ ok: false, message: `Get "${url}": ${why}` });
    });
  });
}

export function tcpSocketAction(host: string, port: number, timeoutMs: number): Promise<ActionResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, message: `dial tcp ${hostPort(host, port)}: i/o timeout` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true, message: '' });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, message: `dial tcp ${hostPort(host, port)}: ${err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message}` });
    });
  });
}

// grpc.health.v1 messages by hand: HealthCheckRequest{string service = 1}, HealthCheckResponse{ServingStatus status = 1}
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

function encodeRequest(service: string): Buffer {
  const body = Buffer.from(service, 'utf8');
  if (body.length === 0) return Buffer.alloc(0);
  const len: number[] = [];
  let n = body.length;
  while (n > 0x7f) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  return Buffer.concat([Buffer.from([0x0a, ...len]), body]);
}

function decodeStatus(buf: Buffer): number {
  // the only field is status (tag 1, varint); absent means UNKNOWN
  let i = 0;
  while (i < buf.length) {
    const tag = buf[i++]!;
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++]!;
      value |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80) || i >= buf.length) break;
    }
    if (tag === 0x08) return value;
  }
  return 0;
}

export function grpcAction(host: string, port: number, service: string, timeoutMs: number): Promise<ActionResult> {
  const address = hostPort(host, port);
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<ActionResult>((resolve) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      encodeRequest,
      decodeStatus,
      service,
      { deadline: new Date(Date.now() + timeoutMs) },
      (err, status) => {
        if (err) {
          const msg = err.code === grpc.status.DEADLINE_EXCEEDED ? `timeout: failed to connect service "${address}" within ${timeoutMs / 1000}s` : `error: health rpc probe failed: ${err.details || err.message}`;
          resolve({ ok: false, message: msg });
        } else if (status === 1) resolve({ ok: true, message: '' });
        else resolve({ ok: false, message: `service unhealthy (responded with "${SERVING_STATUS[status ?? 0] ?? status}")` });
      },
    );
  }).finally(() => client.close());
}
