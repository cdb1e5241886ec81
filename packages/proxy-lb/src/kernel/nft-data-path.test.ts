// The kernel data path against the real kernel: nftables rules written by a ServiceProxy carry loopback clients
// (the output hook) and clients in a network namespace of the test's own (the prerouting hook) to backends. A
// backend answers with the client address and port it sees: with kernel DNAT they are the client's own, through
// the userspace listener they would be the proxy's. Needs root and nft; the table and the namespace are removed
// whatever the outcome.
import { execFile, execFileSync } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ServiceProxy } from '../proxy/service-proxy.js';
import type { VirtualServiceSpec } from '../proxy/virtual-service.js';
import { removeKernelTable } from './nft-data-path.js';
import { renderRuleset } from './nft-ruleset.js';

const run = promisify(execFile);

function canUseNft(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('nft', ['list', 'tables'], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const nftOk = canUseNft();
if (!nftOk) console.warn('kernel data path tests skipped: they need root, nft and iproute2');

const table = `skiff_test_${process.pid}`;
const quiet = pino({ level: 'silent' });

/** A backend that answers each connection with `name client-address:client-port` and keeps it open. */
async function identityServer(name: string, host: string): Promise<net.Server> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.on('data', () => s.write(`${name} ${s.remoteAddress}:${s.remotePort}\n`));
  });
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  return server;
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

/** Opens a connection, sends a byte, and returns the first answer line and the socket (left open). */
function ask(host: string, port: number): Promise<{ answer: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error(`no answer from ${host}:${port} within 5 s`)), 5000);
    let buf = '';
    socket.on('connect', () => socket.write('?'));
    socket.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\n')) {
        clearTimeout(timer);
        resolve({ answer: buf.split('\n')[0]!, socket });
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function tableExists(): Promise<boolean> {
  return run('nft', ['list', 'table', 'inet', table]).then(() => true, () => false);
}

describe.skipIf(!nftOk)('kernel (nftables) data path', () => {
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];
  let proxy: ServiceProxy | undefined;
  let a: net.Server;
  let b: net.Server;

  beforeAll(async () => {
    a = await identityServer('a', '127.0.0.1');
    b = await identityServer('b', '127.0.0.1');
    servers.push(a, b);
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await proxy?.close().catch(() => {});
    proxy = undefined;
    await run('nft', ['delete', 'table', 'inet', table]).catch(() => {});
  });

  afterAll(async () => {
    for (const s of servers) s.close();
  });

  function spec(over: Partial<VirtualServiceSpec>): VirtualServiceSpec {
    return {
      name: 'web',
      address: '127.0.0.1',
      port: 0,
      protocol: 'tcp',
      scheduler: 'rr',
      backends: [
        { address: '127.0.0.1', port: portOf(a) },
        { address: '127.0.0.1', port: portOf(b) },
      ],
      ...over,
    };
  }

  async function start(specs: VirtualServiceSpec[]): Promise<ServiceProxy> {
    proxy = new ServiceProxy({ logger: quiet, kernelDataPath: { table, masquerade: false } });
    for (const s of specs) await proxy.addService(s);
    await proxy.kernelSettled();
    return proxy;
  }

  it('writes a ruleset nft accepts for every selector and family', async () => {
    const script = renderRuleset(table, [
      { address: '10.96.0.1', port: 80, protocol: 'tcp', selector: { kind: 'round-robin' }, slots: [{ address: '10.0.0.1', port: 8080 }] },
      { address: '10.96.0.2', port: 53, protocol: 'udp', selector: { kind: 'hash', fields: 'saddr-sport', seed: 7 }, slots: [{ address: '10.0.0.1', port: 53 }, { address: '10.0.0.2', port: 53 }] },
      { address: 'fd00::1', port: 80, protocol: 'tcp', selector: { kind: 'hash', fields: 'daddr', seed: 1 }, slots: [{ address: 'fd00::2', port: 80 }] },
    ], { masquerade: true });
    await new Promise<void>((resolve, reject) => {
      const child = execFile('nft', ['-c', '-f', '-'], (err, _out, stderr) => (err ? reject(new Error(stderr)) : resolve()));
      child.stdin!.end(script);
    });
  });

  it('DNATs loopback clients in the kernel: backends see the client itself, round-robin over both', async () => {
    const p = await start([spec({})]);
    expect(p.status()[0]!.dataPath).toBe('kernel');
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const { answer, socket } = await ask('127.0.0.1', p.portOf('web'));
      sockets.push(socket);
      const [name, peer] = answer.split(' ');
      expect(peer).toBe(`127.0.0.1:${socket.localPort}`);
      seen.add(name!);
    }
    expect([...seen].sort()).toEqual(['a', 'b']);
    // The userspace connection table saw none of it.
    expect(p.core.flowCount()).toBe(0);
  });

  it('keeps an established flow on its backend when the backend leaves the service', async () => {
    const p = await start([spec({ scheduler: 'mh', hashPort: true, backends: [{ address: '127.0.0.1', port: portOf(a) }] })]);
    const first = await ask('127.0.0.1', p.portOf('web'));
    sockets.push(first.socket);
    expect(first.answer.startsWith('a ')).toBe(true);
    await p.updateService(spec({ scheduler: 'mh', hashPort: true, backends: [{ address: '127.0.0.1', port: portOf(b) }] }));
    await p.kernelSettled();
    // The old connection still reaches a; new ones go to b.
    const again = new Promise<string>((resolve) => first.socket.once('data', (d) => resolve(d.toString())));
    first.socket.write('?');
    expect((await again).startsWith('a ')).toBe(true);
    for (let i = 0; i < 3; i++) {
      const next = await ask('127.0.0.1', p.portOf('web'));
      sockets.push(next.socket);
      expect(next.answer.startsWith('b ')).toBe(true);
    }
  });

  it('leaves to userspace what the kernel cannot do: no serving backend (reset at once), lc, affinity', async () => {
    const p = await start([
      spec({ name: 'empty', backends: [] }),
      spec({ name: 'lc', scheduler: 'lc' }),
      spec({ name: 'sticky', scheduler: 'rr', affinityTimeoutSeconds: 60 }),
    ]);
    expect(p.status().map((s) => [s.name, s.dataPath])).toEqual([['empty', 'userspace'], ['lc', 'userspace'], ['sticky', 'userspace']]);
    await expect(ask('127.0.0.1', p.portOf('empty'))).rejects.toMatchObject({ code: 'ECONNRESET' });
    const viaUserspace = await ask('127.0.0.1', p.portOf('lc'));
    sockets.push(viaUserspace.socket);
    // Through the listener the backend sees the proxy's own socket, not the client's.
    expect(viaUserspace.answer.endsWith(`:${viaUserspace.socket.localPort}`)).toBe(false);
    // A service that gains a backend moves to the kernel.
    await p.updateService(spec({ name: 'empty', port: p.portOf('empty'), backends: [{ address: '127.0.0.1', port: portOf(a) }] }));
    await p.kernelSettled();
    expect(p.status().find((s) => s.name === 'empty')!.dataPath).toBe('kernel');
  });

  it('clears a table an earlier proxy left behind, and says whether there was one', async () => {
    await run('nft', ['add', 'table', 'inet', table]);
    expect(await removeKernelTable(table)).toBe(true);
    expect(await tableExists()).toBe(false);
    expect(await removeKernelTable(table)).toBe(false);
  });

  it('removes its table on close', async () => {
    const p = await start([spec({})]);
    expect(await tableExists()).toBe(true);
    await p.close();
    proxy = undefined;
    expect(await tableExists()).toBe(false);
  });

  describe('clients in another network namespace', () => {
    const ns = `skiff-nft-${process.pid}`;
    const hostIf = `sknh${process.pid % 100000}`;
    const nsIf = `sknn${process.pid % 100000}`;
    const subnet = `10.213.${process.pid % 250}`;

    beforeAll(async () => {
      await run('ip', ['netns', 'add', ns]);
      await run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', ns]);
      await run('ip', ['addr', 'add', `${subnet}.1/30`, 'dev', hostIf]);
      await run('ip', ['link', 'set', hostIf, 'up']);
      await run('ip', ['-n', ns, 'addr', 'add', `${subnet}.2/30`, 'dev', nsIf]);
      await run('ip', ['-n', ns, 'link', 'set', nsIf, 'up']);
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    });

    afterAll(async () => {
      await run('ip', ['link', 'del', hostIf]).catch(() => {});
      await run('ip', ['netns', 'del', ns]).catch(() => {});
    });

    it('DNATs them in prerouting to the backend', async () => {
      const c = await identityServer('c', `${subnet}.1`);
      servers.push(c);
      const p = await start([spec({ address: `${subnet}.1`, backends: [{ address: `${subnet}.1`, port: portOf(c) }] })]);
      const client = `
        const s = require('node:net').connect(${p.portOf('web')}, '${subnet}.1', () => s.write('?'));
        s.on('data', (d) => { console.log(d.toString().trim() + ' ' + s.localPort); process.exit(0); });
        s.on('error', (e) => { console.error(e.message); process.exit(1); });
        setTimeout(() => { console.error('timeout'); process.exit(1); }, 5000);`;
      const { stdout } = await run('ip', ['netns', 'exec', ns, process.execPath, '-e', client]);
      const [name, peer, localPort] = stdout.trim().split(' ');
      expect(name).toBe('c');
      expect(peer).toBe(`${subnet}.2:${localPort}`);
    });
  });
});
