import { eventually } from '@skiff/test-util';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { refusedPort, udpBackend, type UdpBackend, udpClient } from '../../test-util/net-fixtures.js';
import { ServiceProxy } from './service-proxy.js';
import type { BackendSpec, VirtualServiceSpec } from './virtual-service.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function backends(...names: string[]): Promise<UdpBackend[]> {
  const bs = await Promise.all(names.map((n) => udpBackend(n)));
  for (const b of bs) cleanups.push(() => b.close());
  return bs;
}

async function client() {
  const c = await udpClient();
  cleanups.push(() => c.close());
  return c;
}

function proxy(opts: ConstructorParameters<typeof ServiceProxy>[0] = {}): ServiceProxy {
  const p = new ServiceProxy({ logger: pino({ level: 'silent' }), ...opts });
  cleanups.push(() => p.close());
  return p;
}

function spec(bs: BackendSpec[], extra: Partial<VirtualServiceSpec> = {}): VirtualServiceSpec {
  return { name: 'dns', address: '127.0.0.1', port: 0, protocol: 'udp', scheduler: 'rr', backends: bs, ...extra };
}

const at = (b: UdpBackend | number): BackendSpec => ({ address: '127.0.0.1', port: typeof b === 'number' ? b : b.port });

describe.each(['wasm', 'ts'] as const)('UDP proxy (%s engine)', (engine) => {
  it('forwards a datagram and answers the client from the service port', async () => {
    const [a] = await backends('a');
    const p = proxy({ engine });
    await p.addService(spec([at(a)]));
    const c = await client();
    expect(await c.ask(p.portOf('dns'), 'q1')).toEqual({ text: 'a:q1', from: p.portOf('dns') });
  });

  it('keeps a client on its backend across datagrams and spreads clients', async () => {
    const bs = await backends('a', 'b');
    const p = proxy({ engine });
    await p.addService(spec(bs.map(at)));
    const one = await client();
    const two = await client();
    const port = p.portOf('dns');
    const first = [await one.ask(port, '1'), await one.ask(port, '2'), await one.ask(port, '3')].map((r) => r.text[0]);
    const second = (await two.ask(port, '1')).text[0];
    expect(new Set(first).size).toBe(1);
    expect(second).not.toBe(first[0]);
    expect(p.status()[0].backends.map((x) => x.inactiveFlows)).toEqual([1, 1]);
  });

  it('forgets an idle flow after its timeout, so the next datagram is scheduled afresh', async () => {
    const bs = await backends('a', 'b');
    const p = proxy({ engine, sweepIntervalMs: 20 });
    await p.addService(spec(bs.map(at), { udpFlowTimeoutMs: 100 }));
    const c = await client();
    const port = p.portOf('dns');
    expect((await c.ask(port, 'x')).text).toBe('a:x');
    await eventually(() => p.status()[0].backends.every((x) => x.inactiveFlows === 0), 'flow expiry', 5000);
    expect((await c.ask(port, 'y')).text).toBe('b:y');
  });

  it('moves a client whose backend was removed on its next datagram', async () => {
    const [a, b] = await backends('a', 'b');
    const p = proxy({ engine });
    await p.addService(spec([at(a), at(b)]));
    const c = await client();
    const port = p.portOf('dns');
    expect((await c.ask(port, '1')).text).toBe('a:1');
    await p.updateService(spec([at(b)]));
    expect((await c.ask(port, '2')).text).toBe('b:2');
  });

  it('drops datagrams when no backend is ready and reports it', async () => {
    const p = proxy({ engine });
    const rejected: string[] = [];
    p.on('rejected', (e) => rejected.push(e.reason));
    await p.addService(spec([]));
    const c = await client();
    await expect(c.ask(p.portOf('dns'), 'void', 300)).rejects.toThrow(/timed out/);
    expect(rejected).toEqual(['no-backend']);
  });

  it('reports a backend whose port is closed and sends the client elsewhere', async () => {
    const dead = await refusedPort();
    const [b] = await backends('b');
    const p = proxy({ engine });
    const refused: string[] = [];
    p.on('backend-refused', (e) => refused.push(e.code));
    await p.addService(spec([at(dead), at(b)], { scheduler: 'rr' }));
    const c = await client();
    const port = p.portOf('dns');
    // The first datagram goes to the dead port (rr starts there) and is lost; the refusal comes back as ICMP.
    await expect(c.ask(port, 'lost', 300)).rejects.toThrow(/timed out/);
    await eventually(() => refused.length > 0, 'refusal reported', 5000);
    expect(refused[0]).toBe('ECONNREFUSED');
    expect((await c.ask(port, 'again')).text).toBe('b:again');
  });
});
