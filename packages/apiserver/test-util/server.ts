/** A live API server for a test file, on a free loopback port, with its own in-memory store. */
import { createApiServer, type ApiServer, type ApiServerOptions } from '../src/index.js';

export async function startTestServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  return createApiServer({ port: 0, host: '127.0.0.1', logger: process.env.SKIFF_TEST_LOG ?? 'silent', ...opts });
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
