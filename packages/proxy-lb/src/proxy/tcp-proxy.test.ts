import { eventually } from '@skiff/test-util';
import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  exchange, openGreeted, refusedPort, tcpBackend, type TcpBackend, withTimeout,
} from '../../test-util/net-fixtures.js';
import { ServiceProxy } from './service-proxy.js';
import type { BackendSpec, VirtualServiceSpec } from './virtual-service.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function backends(...names: string[]): Promise<TcpBackend[]> {
  const bs = await Promise.all(names.map((n) => tcpBackend(n)));
  for (const b of bs) cleanups.push(() => b.close());
  return bs;
}

function proxy(opts: ConstructorParameters<typeof ServiceProxy>[0] = {}): ServiceProxy {
  const p = new ServiceProxy({ logger: pino({ level: 'silent' }), connectTimeoutMs: 1000, ...opts });
  cleanups.push(() => p.close());
  return p;
}

function spec(bs: BackendSpec[], extra: Partial<VirtualServiceSpec> = {}): VirtualServiceSpec {
  return { name: 'web', address: '127.0.0.1', port: 0, protocol: 'tcp', scheduler: 'rr', backends: bs, ...extra };
}

const at = (b: TcpBackend, more: Partial<BackendSpec> = {}): BackendSpec => ({ address: '127.0.0.1', port: b.port, ...more });

describe.each(['wasm', 'ts'] as const)('TCP proxy (%s engine)', (engine) => {
  it('forwards bytes both ways and carries a half-close through', async () => {
    const [a] = await backends('a');
    const p = proxy({ engine });
    await p.addService(spec([at(a)]));
    const r = await exchange(p.portOf('web'), 'hello through the proxy');
    expect(r).toEqual({ data: 'a\nhello through the proxy', ending: 'end' });
  });

  it('spreads new connections round robin over the backends', async () => {
    const bs = await backends('a', 'b', 'c');
    const p = proxy({ engine });
    await p.addService(spec(bs.map((b) => at(b))));
    const names = [];
    for (let i = 0; i < 6; i++) names.push((await exchange(p.portOf('web'), '')).data.trim());
    expect(names).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('skips a backend that refuses, reports it, and still serves the client', async () => {
    const [b] = await backends('b');
    const dead = await refusedPort();
    const p = proxy({ engine });
    const refused: string[] = [];
    p.on('backend-refused', (e) => refused.push(`${e.backend} ${e.code}`));
    await p.addService(spec([{ address: '127.0.0.1', port: dead }, at(b)]));
    for (let i = 0; i < 4; i++) expect((await exchange(p.portOf('web'), 'x')).data).toBe('b\nx');
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused[0]).toBe(`127.0.0.1:${dead} ECONNREFUSED`);
  });

  it('resets a client at once when the service has no ready backend', async () => {
    const [a] = await backends('a');
    const p = proxy({ engine });
    const rejected: string[] = [];
    p.on('rejected', (e) => rejected.push(e.reason));
    await p.addService(spec([at(a, { draining: true })]));
    expect(await exchange(p.portOf('web'), 'anyone?')).toEqual({ data: '', ending: 'ECONNRESET' });
    expect(rejected).toEqual(['no-backend']);
    expect(a.accepted).toBe(0);
  });

  it('resets the client when every backend refuses', async () => {
    const ports = [await refusedPort(), await refusedPort()];
    const p = proxy({ engine });
    const rejected: string[] = [];
    p.on('rejected', (e) => rejected.push(e.reason));
    await p.addService(spec(ports.map((port) => ({ address: '127.0.0.1', port }))));
    expect((await exchange(p.portOf('web'), 'x')).ending).toBe('ECONNRESET');
    expect(rejected).toEqual(['all-refused']);
  });

  it('keeps a client on one backend with ClientIP affinity', async () => {
    const bs = await backends('a', 'b', 'c');
    const p = proxy({ engine });
    await p.addService(spec(bs.map((b) => at(b)), { affinityTimeoutSeconds: 60 }));
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) names.add((await exchange(p.portOf('web'), '')).data.trim());
    expect(names.size).toBe(1);
  });

  it('keeps established connections through a backend change and retires the old backend when they end', async () => {
    const [a, b] = await backends('a', 'b');
    const p = proxy({ engine });
    await p.addService(spec([at(a)]));
    const held = await openGreeted(p.portOf('web'));
    expect(held.name).toBe('a');
    await p.updateService(spec([at(b)], { scheduler: 'mh' }));
    expect((await exchange(p.portOf('web'), 'new')).data).toBe('b\nnew');
    // The held connection still reaches a.
    const echoed = withTimeout(new Promise<string>((r) => held.socket.once('data', (d) => r(d.toString()))), 5000, 'echo');
    held.socket.write('still there');
    expect(await echoed).toBe('still there');
    expect(p.status()[0].backends.find((x) => x.port === a.port)).toMatchObject({ leaving: true, activeFlows: 1 });
    held.socket.end();
    await eventually(() => p.status()[0].backends.every((x) => x.port !== a.port), 'a retired', 5000);
  });

  it('sends no new connection to a draining backend', async () => {
    const [a, b] = await backends('a', 'b');
    const p = proxy({ engine });
    await p.addService(spec([at(a), at(b)]));
    await p.updateService(spec([at(a, { draining: true }), at(b)]));
    for (let i = 0; i < 4; i++) expect((await exchange(p.portOf('web'), '')).data).toBe('b\n');
  });

  it('stops accepting when the service is removed but lets established connections finish', async () => {
    const [a] = await backends('a');
    const p = proxy({ engine });
    await p.addService(spec([at(a)]));
    const port = p.portOf('web');
    const held = await openGreeted(port);
    await p.removeService('web');
    expect((await exchange(port, 'x')).ending).toBe('ECONNREFUSED');
    const echoed = withTimeout(new Promise<string>((r) => held.socket.once('data', (d) => r(d.toString()))), 5000, 'echo');
    held.socket.write('after removal');
    expect(await echoed).toBe('after removal');
    held.socket.destroy();
  });

  it('propagates backpressure instead of buffering a stalled backend', async () => {
    const stalled: net.Socket[] = [];
    const slow = await tcpBackend('slow', (s) => {
      s.pause();
      stalled.push(s);
    });
    cleanups.push(() => slow.close());
    const p = proxy({ engine });
    await p.addService(spec([at(slow)]));
    const client = net.connect({ port: p.portOf('web'), host: '127.0.0.1' });
    cleanups.push(() => void client.destroy());
    client.on('data', () => {});
    await withTimeout(new Promise((r) => client.once('connect', r)), 5000, 'connect');
    const chunk = Buffer.alloc(64 * 1024, 7);
    const cap = 256 * 1024 * 1024;
    let written = 0;
    // Write until the writes stop draining; without backpressure the proxy would swallow all 256 MiB.
    while (written < cap) {
      written += chunk.length;
      if (!client.write(chunk)) {
        const drained = await Promise.race([
          new Promise<boolean>((r) => client.once('drain', () => r(true))),
          new Promise<boolean>((r) => setTimeout(() => r(false), 500)),
        ]);
        if (!drained) break;
      }
    }
    expect(written).toBeLessThan(64 * 1024 * 1024);
    // Resuming the backend lets every byte through (and the greeting came back the other way).
    let got = 0;
    stalled[0].on('data', (d: Buffer) => (got += d.length));
    stalled[0].resume();
    await eventually(() => got === written, 'all bytes delivered', 20_000);
  });
});

describe('service bookkeeping', () => {
  it('refuses a second service on the same address, port and protocol, and allows many on port 0', async () => {
    const p = proxy();
    await p.addService(spec([], { name: 'one' }));
    await p.addService(spec([], { name: 'two' }));
    const port = p.portOf('one');
    await expect(p.addService(spec([], { name: 'three', port }))).rejects.toMatchObject({ code: 'DuplicateService' });
    await expect(p.addService(spec([], { name: 'one' }))).rejects.toMatchObject({ code: 'DuplicateService' });
  });

  it('applies a desired state: adds, updates and removes services, and reports the ones that fail', async () => {
    const [a] = await backends('a');
    const p = proxy();
    await p.apply([spec([at(a)], { name: 'keep' }), spec([at(a)], { name: 'drop' })]);
    const clash = p.portOf('keep');
    const result = await p.apply([spec([at(a)], { name: 'keep', scheduler: 'mh' }), spec([], { name: 'bad', port: clash })]);
    expect(result.failed.map((f) => f.name)).toEqual(['bad']);
    expect(p.status().map((s) => [s.name, s.scheduler])).toEqual([['keep', 'mh']]);
    expect((await exchange(p.portOf('keep'), 'y')).data).toBe('a\ny');
  });

  it('applies one scope at a time and leaves services outside it alone', async () => {
    const [a] = await backends('a');
    const p = proxy();
    await p.apply([spec([at(a)], { name: 'shop/web:http/a' }), spec([at(a)], { name: 'shop/db:sql/a' })]);
    await p.apply([spec([at(a)], { name: 'shop/web:admin/a' })], { scope: 'shop/web:' });
    expect(p.status().map((s) => s.name).sort()).toEqual(['shop/db:sql/a', 'shop/web:admin/a']);
    await expect(p.apply([spec([], { name: 'other/x:1/a' })], { scope: 'shop/web:' })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('rejects changes after close', async () => {
    const p = new ServiceProxy({ logger: pino({ level: 'silent' }) });
    await p.close();
    await expect(p.addService(spec([]))).rejects.toMatchObject({ code: 'Closed' });
  });
});
