/** A live API server for a test file, on a free loopback port, with its own in-memory store. */
import http from 'node:http';
import { kubectlFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll } from 'vitest';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../src/index.js';

export async function startTestServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  return createApiServer({ port: 0, host: '127.0.0.1', logger: process.env.SKIFF_TEST_LOG ?? 'silent', ...opts });
}

export interface LiveServer {
  readonly server: ApiServer;
  readonly kubectl: Kubectl;
}

/**
 * A server and the real kubectl pointed at it, for the whole test file: started before its first test (before
 * the file's own beforeAll hooks declared after this call), stopped after its last.
 */
export function serverWithKubectl(opts: ApiServerOptions = {}): LiveServer {
  const live = {} as { server: ApiServer; kubectl: Kubectl };
  beforeAll(async () => {
    live.server = await startTestServer(opts);
    live.kubectl = await kubectlFor(live.server.url);
  });
  afterAll(async () => {
    await live.kubectl?.cleanup();
    await live.server?.close();
  });
  return live;
}

/** fetch against the server with a JSON body; resolves status, headers and the parsed (or raw) body. */
export async function call(
  server: ApiServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(server.url + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Reads watch events (one JSON per line) until `until` is satisfied or the stream ends; bounded at 15 s. */
export function watchEvents(server: ApiServer, path: string, until: (events: any[]) => boolean): Promise<{ events: any[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    let buf = '';
    let settled = false;
    const req = http.get(server.url + path, (res) => {
      if (res.statusCode !== 200) {
        settled = true;
        clearTimeout(bound);
        req.destroy();
        reject(new Error(`watch ${path} answered ${res.statusCode}`));
        return;
      }
      res.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
        if (!settled && until(events)) {
          settled = true;
          clearTimeout(bound);
          req.destroy();
          resolve({ events, ended: false });
        }
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(bound);
        resolve({ events, ended: true });
      });
    });
    req.on('error', (e) => settled || reject(e));
    const bound = setTimeout(() => {
      req.destroy();
      reject(new Error(`watch bound reached: ${JSON.stringify(events.map((e) => e.type))}`));
    }, 15_000);
  });
}
