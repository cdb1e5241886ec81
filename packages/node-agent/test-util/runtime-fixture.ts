import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCriClient, type CriClient } from '../src/cri/cri-client.js';
import { silentLogger } from '../src/logger.js';
import { startCriRuntime, type CriRuntime, type CriRuntimeOptions } from '../src/runtime/cri-runtime.js';

/**
 * A Skiff CRI runtime on a private root, bridge, pod CIDR and cgroup parent, with a CRI client on its socket, and a
 * `cleanup()` that removes everything the test made even when the test failed half-way: runc containers, shims,
 * mounts, network namespaces, the bridge, cgroups and the directory tree. It only touches what carries this fixture's
 * names, never other work on the machine.
 */
export interface RuntimeFixture {
  root: string;
  runtime: CriRuntime;
  client: CriClient;
  bridge: string;
  podCidr: string;
  cgroupParent: string;
  /** The options the runtime runs with (to start a skiff-cri process on the same root). */
  options: CriRuntimeOptions;
  /** Closes the runtime (containers keep running) and starts a new one on the same root. */
  restart(): Promise<void>;
  /** Closes the in-process runtime and its client; `start()` brings them back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

/** A /24 in 10.200.0.0-10.249.255.0 that no route on this machine overlaps. */
function freePodCidr(): string {
  const routes = sh('ip', ['-4', 'route', 'show']);
  for (let i = 0; i < 100; i++) {
    const b = 200 + Math.floor(Math.random() * 50);
    const c = Math.floor(Math.random() * 256);
    if (!routes.includes(`10.${b}.${c}.`)) return `10.${b}.${c}.0/24`;
  }
  throw new Error('no free /24 for a test pod network');
}

/** The nat table before each fixture started, to tell the portmap plugin's shared chains it created from others'. */
const natBefore = new WeakMap<object, string>();

/**
 * The portmap plugin creates shared CNI-HOSTPORT-* chains on first use and never removes them. If they did not exist
 * before this fixture and no pod rule is left in them, they are this test's doing: remove them.
 */
function removePortmapChains(before: string): void {
  if (before.includes('-N CNI-HOSTPORT-DNAT')) return;
  const now = sh('iptables', ['-t', 'nat', '-S']);
  if (!now.includes('-N CNI-HOSTPORT-DNAT') || now.includes('-A CNI-HOSTPORT-DNAT')) return;
  for (const rule of now.split('\n').filter((r) => r.startsWith('-A ') && r.includes('CNI-HOSTPORT'))) {
    sh('iptables', ['-t', 'nat', ...rule.replace(/^-A /, '-D ').match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ''))]);
  }
  for (const chain of ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK']) sh('iptables', ['-t', 'nat', '-X', chain]);
}

export async function startRuntimeFixture(options: Partial<CriRuntimeOptions> = {}): Promise<RuntimeFixture> {
  const tag = randomBytes(3).toString('hex');
  const root = mkdtempSync(join(tmpdir(), `skiff-cri-${tag}-`));
  const bridge = `skt${tag}`;
  const podCidr = freePodCidr();
  const cgroupParent = `/skiff-test-${tag}`;
  const runtimeOptions: CriRuntimeOptions = {
    root,
    podCidr,
    bridge,
    ipMasq: false,
    cgroupParent,
    networkName: `skiff-test-${tag}`,
    logger: silentLogger(),
    ...options,
  };
  const fixture = {
    root,
    bridge,
    podCidr,
    cgroupParent,
    runtime: undefined as unknown as CriRuntime,
    client: undefined as unknown as CriClient,
    options: runtimeOptions,
    async restart() {
      await fixture.stop();
      await fixture.start();
    },
    async stop() {
      fixture.client?.close();
      await fixture.runtime?.close();
      fixture.client = undefined as unknown as CriClient;
      fixture.runtime = undefined as unknown as CriRuntime;
    },
    async start() {
      fixture.runtime = await startCriRuntime(runtimeOptions);
      fixture.client = createCriClient(fixture.runtime.socketPath);
    },
    async cleanup() {
      await cleanupRuntime(fixture as RuntimeFixture);
    },
  };
  natBefore.set(fixture, sh('iptables', ['-t', 'nat', '-S']));
  try {
    fixture.runtime = await startCriRuntime(runtimeOptions);
    fixture.client = createCriClient(fixture.runtime.socketPath);
  } catch (err) {
    await cleanupRuntime(fixture as RuntimeFixture);
    throw err;
  }
  return fixture as RuntimeFixture;
}

async function cleanupRuntime(f: RuntimeFixture): Promise<void> {
  // the polite way first: what a kubelet would do
  if (f.client) {
    try {
      const { items } = await f.client.listPodSandbox({}, { timeoutMs: 10_000 });
      for (const s of items) {
        await f.client.stopPodSandbox({ podSandboxId: s.id }, { timeoutMs: 60_000 }).catch(() => undefined);
        await f.client.removePodSandbox({ podSandboxId: s.id }, { timeoutMs: 60_000 }).catch(() => undefined);
      }
    } catch {
      // the runtime may be down; the forceful steps below still run
    }
    f.client.close();
  }
  await f.runtime?.close().catch(() => undefined);
  const runcRoot = join(f.root, 'runc');
  if (existsSync(runcRoot)) {
    for (const id of sh('runc', ['--root', runcRoot, 'list', '-q']).split('\n').filter(Boolean)) sh('runc', ['--root', runcRoot, 'delete', '--force', id]);
  }
  // shims and port-forward helpers this fixture started (their command lines name its root)
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    })();
    if (cmdline.includes(f.root) && Number(pid) !== process.pid) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && m.startsWith(f.root))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) sh('umount', ['-l', m]);
  const sandboxesDir = join(f.root, 'sandboxes');
  if (existsSync(sandboxesDir)) {
    for (const id of readdirSync(sandboxesDir)) {
      const name = `skiff-${id.slice(0, 16)}`;
      if (existsSync(`/run/netns/${name}`)) sh('ip', ['netns', 'delete', name]);
    }
  }
  if (sh('ip', ['link', 'show', f.bridge])) sh('ip', ['link', 'delete', f.bridge]);
  removePortmapChains(natBefore.get(f) ?? '');
  removeCgroups(f.cgroupParent);
  rmSync(f.root, { recursive: true, force: true });
}

function removeCgroups(parent: string): void {
  for (const controller of readdirSync('/sys/fs/cgroup')) {
    const dir = join('/sys/fs/cgroup', controller, parent);
    if (!existsSync(dir)) continue;
    for (const child of readdirSync(dir, { withFileTypes: true })) {
      if (child.isDirectory()) {
        try {
          rmdirSync(join(dir, child.name));
        } catch {
          // still has processes: the SIGKILLs above make that rare
        }
      }
    }
    try {
      rmdirSync(dir);
    } catch {
      // as above
    }
  }
}

/** A shared image root with the busybox image, built once per test file. */
export function tempImageRoot(): string {
  return mkdtempSync(join(tmpdir(), 'skiff-images-'));
}
