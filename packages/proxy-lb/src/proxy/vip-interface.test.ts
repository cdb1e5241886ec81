// These tests make their own network namespace and delete it afterwards, pass or fail; they need root and
// iproute2, and are skipped (saying so) without them.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { needsInterface, VipInterface } from './vip-interface.js';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function canUseNetns(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const netnsOk = canUseNetns();
if (!netnsOk) console.warn('vip-interface tests skipped: they need root and iproute2 (ip netns)');

describe.skipIf(!netnsOk)('virtual-address interface in a private network namespace', () => {
  // A fresh namespace per test, deleted whatever the test's outcome.
  let ns = '';

  beforeEach(async () => {
    ns = `skiff-lb-${process.pid}-${randomBytes(3).toString('hex')}`;
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  });

  afterEach(async () => {
    await run('ip', ['netns', 'del', ns]).catch(() => {});
  });

  it('creates the interface once and keeps exactly the wanted addresses on it', async () => {
    const iface = new VipInterface({ name: 'kube-ipvs0', netns: ns });
    expect(['dummy', 'bridge']).toContain(await iface.ensure());
    expect(await iface.ensure()).toBeUndefined();
    expect(await iface.sync(['10.96.0.10', '10.96.0.11', 'fd00::10'])).toEqual({ added: ['10.96.0.10', '10.96.0.11', 'fd00::10'], removed: [] });
    expect(await iface.sync(['10.96.0.11', '10.96.0.12'])).toEqual({ added: ['10.96.0.12'], removed: ['10.96.0.10', 'fd00::10'] });
    expect((await iface.addresses()).sort()).toEqual(['10.96.0.11', '10.96.0.12']);
    await iface.add('10.96.0.12');
    await iface.remove('10.96.0.99');
    await iface.destroy();
    const { stdout } = await run('ip', ['-n', ns, '-j', 'link', 'show']);
    expect((JSON.parse(stdout) as { ifname: string }[]).map((l) => l.ifname)).toEqual(['lo']);
  });

  it('lets a proxy in the namespace serve a cluster IP it holds, and release it on close', async () => {
    const { stdout } = await run('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', 'test-util/netns-proxy-child.ts', '10.96.0.20', '80'], {
      cwd: packageDir,
      timeout: 30_000,
    });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(seen).toEqual({ held: ['10.96.0.20'], reply: { data: 'inside\nping', ending: 'end' }, after: [] });
  });

  it('reports a failing ip command as InterfaceFailed', async () => {
    const iface = new VipInterface({ name: 'kube-ipvs0', netns: `${ns}-missing` });
    await expect(iface.ensure()).rejects.toMatchObject({ code: 'InterfaceFailed' });
  });
});

describe('which addresses need the interface', () => {
  it.each([
    ['10.96.0.10', true],
    ['fd00::10', true],
    ['0.0.0.0', false],
    ['::', false],
    ['127.0.0.5', false],
    ['::1', false],
  ])('%s -> %s', (address, expected) => {
    expect(needsInterface(address)).toBe(expected);
  });
});
