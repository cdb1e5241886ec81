import net from 'node:net';
import { waitFor } from '@skiff/test-util';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientError } from '../errors.js';
import { HttpExchange } from './http-exchange.js';
import { HttpPool } from './http-pool.js';

/**
 * A scripted HTTP server on raw sockets: `answer` sees each request's head (one request per data event is enough
 * for these small requests) and writes whatever bytes the test wants, including none or broken ones.
 */
interface Scripted {
  port: number;
  connections: number;
  open: Set<net.Socket>;
  requests: string[];
  close(): Promise<void>;
}

async function scriptedServer(answer: (head: string, socket: net.Socket, n: number) => void): Promise<Scripted> {
  const s: Scripted = { port: 0, connections: 0, open: new Set(), requests: [], close: async () => {} };
  const server = net.createServer((socket) => {
    s.connections++;
    s.open.add(socket);
    socket.on('close', () => s.open.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (d) => {
      const head = d.toString('latin1');
      s.requests.push(head);
      answer(head, socket, s.requests.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.port = (server.address() as net.AddressInfo).port;
  s.close = async () => {
    for (const c of s.open) c.destroy();
    await new Promise((r) => server.close(r));
  };
  return s;
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

function get(pool: HttpPool, path: string, timeoutMs = 10_000, signal?: AbortSignal) {
  const ex = new HttpExchange('GET', path, `GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`, timeoutMs, signal);
  pool.send(ex);
  return ex.promise;
}

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(answer: (head: string, socket: net.Socket, n: number) => void, maxSockets = 4) {
  const server = await scriptedServer(answer);
  const pool = new HttpPool({ host: '127.0.0.1', port: server.port }, maxSockets);
  cleanup.push(() => server.close(), () => pool.close());
  return { server, pool };
}

describe('HttpPool', () => {
  it('carries sequential requests over one kept-alive connection', async () => {
    const { server, pool } = await setup((head, socket) => socket.write(ok(head.split(' ')[1]!)));
    for (const path of ['/a', '/b', '/c']) expect(await get(pool, path)).toEqual({ status: 200, text: path });
    expect(server.connections).toBe(1);
  });

  it('opens at most maxSockets connections and queues the rest in order', async () => {
    const { server, pool } = await setup((head, socket) => setImmediate(() => socket.write(ok(head.split(' ')[1]!))), 2);
    const paths = Array.from({ length: 20 }, (_, i) => `/r${i}`);
    const answers = await Promise.all(paths.map((p) => get(pool, p)));
    expect(answers.map((a) => a.text)).toEqual(paths);
    expect(server.connections).toBe(2);
  });

  it('opens a new connection after the server closes one, whether it said so or not', async () => {
    const { server, pool } = await setup((_head, socket, n) => {
      if (n === 1) socket.end(ok('closing', 'Connection: close\r\n'));
      else if (n === 2) socket.write(ok('kept'));
      else socket.write(ok('again'));
    });
    expect((await get(pool, '/1')).text).toBe('closing');
    expect((await get(pool, '/2')).text).toBe('kept');
    // The server drops the idle connection; the pool notices and does not send on it.
    for (const c of server.open) c.end();
    await waitFor('the pool to drop the closed connection', () => pool.openConnections === 0);
    expect((await get(pool, '/3')).text).toBe('again');
    expect(server.connections).toBe(3);
  });

  it('times out a request the server never answers, and closes its connection', async () => {
    const { server, pool } = await setup(() => {});
    const err = await get(pool, '/silent', 50).catch((e) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(err.code).toBe('Timeout');
    await waitFor('the server to see the connection closed', () => server.open.size === 0);
  });

  it('times out a request still waiting for a connection', async () => {
    const { pool } = await setup(() => {}, 1);
    const first = get(pool, '/hangs', 60_000).catch((e) => e);
    const err = await get(pool, '/queued', 50).catch((e) => e);
    expect(err.code).toBe('Timeout');
    expect(err.message).toContain('/queued');
    pool.close();
    expect((await first).code).toBe('Transport');
  });

  it('aborts a request on its signal', async () => {
    const { pool } = await setup(() => {});
    const abort = new AbortController();
    const pending = get(pool, '/aborted', 60_000, abort.signal).catch((e) => e);
    abort.abort();
    const err = await pending;
    expect(err).toBeInstanceOf(ClientError);
    expect(err.code).toBe('Closed');
  });

  it('fails with a Transport error when the connection drops mid-response or the answer is not HTTP', async () => {
    const { pool } = await setup((_head, socket, n) => {
      if (n === 1) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
      else socket.end('not http at all\r\n\r\n');
    });
    const cut = await get(pool, '/cut').catch((e) => e);
    expect(cut.code).toBe('Transport');
    expect(cut.message).toContain('mid-response');
    const garbage = await get(pool, '/garbage').catch((e) => e);
    expect(garbage.code).toBe('Transport');
    expect(garbage.message).toContain('bad response');
  });

  it('fails with a Transport error when nothing listens, and as Closed once closed', async () => {
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as net.AddressInfo).port;
    await new Promise((r) => free.close(r));
    const pool = new HttpPool({ host: '127.0.0.1', port }, 2);
    const err = await get(pool, '/x').catch((e) => e);
    expect(err.code).toBe('Transport');
    pool.close();
    expect((await get(pool, '/y').catch((e) => e)).code).toBe('Closed');
  });
});
