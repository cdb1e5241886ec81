/**
 * Talks to a running `skiff up` through its control socket (see control-server.ts).
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { ClusterError } from '../errors.js';
import type { ClusterStatus } from './control-server.js';

function call<T>(socketPath: string, method: string, path: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          reject(new ClusterError('CommandFailed', `the running skiff answered ${method} ${path} with something that is not JSON`));
          return;
        }
        if (res.statusCode !== 200) reject(new ClusterError('CommandFailed', (parsed as { error?: string }).error ?? `HTTP ${res.statusCode}`));
        else resolve(parsed as T);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', (e) => reject(new ClusterError('NotRunning', `cannot reach the running skiff at ${socketPath}: ${e.message}`)));
    req.end();
  });
}

/** The running cluster's status, or undefined when no `skiff up` serves this socket. */
export async function fetchStatus(socketPath: string): Promise<ClusterStatus | undefined> {
  if (!existsSync(socketPath)) return undefined;
  try {
    return await call<ClusterStatus>(socketPath, 'GET', '/status', 10_000);
  } catch (e) {
    if (e instanceof ClusterError && e.code === 'NotRunning') return undefined;
    throw e;
  }
}

export async function requestNodes(socketPath: string, count: number, timeoutMs: number): Promise<string[]> {
  const r = await call<{ added: string[] }>(socketPath, 'POST', `/nodes?count=${count}`, timeoutMs);
  return r.added;
}
