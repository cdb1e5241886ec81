/**
 * Watches over HTTP against a live server: a client that stops reading is dropped once it falls behind by more than
 * the server allows, without holding up the others, and what it was already sent still ends cleanly.
 */
import http from 'node:http';
import net from 'node:net';
import { waitFor } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer } from '../../test-util/server.js';
import type { ApiServer } from '../index.js';

const LIMIT = 256 * 1024;
const CMS = '/api/v1/namespaces/default/configmaps';
/** Enough unread bytes to fill the kernel's socket buffers several times over, then the limit. */
const CHANGES = 40;
const VALUE = 'x'.repeat(400 * 1024);

let server: ApiServer;

beforeAll(async () => {
  server = await startTestServer({ watchMaxBufferedBytes: LIMIT });
});

afterAll(async () => {
  await server?.close();
});

async function metric(name: string): Promise<number> {
  const text = (await call(server, 'GET', '/metrics')).text as string;
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('a watcher that does not keep up', () => {
  it('is closed once it falls too far behind, while the others get every event', async () => {
    const rv = (await call(server, 'GET', CMS)).body.metadata.resourceVersion as string;
    const path = `${CMS}?watch=1&resourceVersion=${rv}`;

    // The slow client: sends its request and then reads nothing.
    const slow = net.connect(server.port, server.host);
    slow.pause();
    slow.write(`GET ${path} HTTP/1.1\r\nHost: ${server.host}\r\n\r\n`);

    // The fast client: counts ADDED events as it reads them.
    let fastSeen = 0;
    let fastBuf = '';
    const fast = http.get(`${server.url}${path}`, (res) => {
      res.on('data', (d: Buffer) => {
        fastBuf += d.toString();
        let nl: number;
        while ((nl = fastBuf.indexOf('\n')) >= 0) {
          if (JSON.parse(fastBuf.slice(0, nl)).type === 'ADDED') fastSeen++;
          fastBuf = fastBuf.slice(nl + 1);
        }
      });
    });
    await waitFor('both watchers to be registered', async () => (await metric('apiserver_registered_watchers')) === 2);

    for (let i = 0; i < CHANGES; i++) {
      const r = await call(server, 'POST', CMS, { metadata: { name: `big-${i}` }, data: { v: VALUE } });
      expect(r.status).toBe(201);
    }
    await waitFor('the slow watcher to be terminated', async () => (await metric('apiserver_terminated_watchers_total{resource="configmaps"}')) === 1);
    await waitFor('the fast watcher to see every change', () => fastSeen === CHANGES);
    expect(await metric('apiserver_registered_watchers')).toBe(1);
    fast.destroy();

    // Reading again, the slow client gets what was queued for it, complete lines only, and then the end.
    const received: Buffer[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      const bound = setTimeout(() => reject(new Error('the slow watch did not end within the bound')), 15_000);
      slow.on('close', () => {
        clearTimeout(bound);
        resolve();
      });
    });
    slow.on('data', (d: Buffer) => {
      received.push(d);
      if (Buffer.concat(received).includes('\r\n0\r\n\r\n')) slow.end();
    });
    slow.resume();
    await ended;
    const text = Buffer.concat(received).toString('latin1');
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(text.endsWith('\r\n0\r\n\r\n')).toBe(true);
    const names = [...text.matchAll(/"name":"(big-\d+)"/g)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(0);
    expect(names.length).toBeLessThan(CHANGES);
    expect(names).toEqual(names.map((_, i) => `big-${i}`));
  });
});
