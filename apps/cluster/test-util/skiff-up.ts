/**
 * A `skiff up` started by a test, as a person starts it: the built CLI in its own process, output collected, and
 * stopped with the signal a terminal's Ctrl-C sends. Also: networks no other cluster on this host uses, and what a
 * cluster may leave on the host, to check that it left nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SKIFF_BIN } from './skiff-cli.js';

export interface SkiffUp {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first output line matching; rejects if the process exits first or after `timeoutMs` (a bound for a stuck run). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startSkiffUp(args: string[]): SkiffUp {
  const child = spawn(process.execPath, [SKIFF_BIN, 'up', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (c: string) => {
    out += c;
    for (const w of [...waiters]) w();
  };
  child.stdout!.setEncoding('utf8').on('data', onData);
  child.stderr!.setEncoding('utf8').on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 300_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return;
          done();
          resolve(line);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs / 1000} s; output:\n${out}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => {
          if (!waiters.has(check)) return;
          check();
          if (!waiters.has(check)) return;
          done();
          reject(new Error(`skiff up exited before printing ${pattern}; output:\n${out}`));
        });
        check();
      });
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A cluster CIDR (/16) and node network (/24) that no route on this host touches yet. */
export function freshNetworks(): { clusterCidr: string; nodeCidr: string } {
  const routes = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
  const addrs = execFileSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' });
  const used = (prefix: string) => routes.includes(prefix) || addrs.includes(prefix);
  for (let attempt = 0; attempt < 200; attempt++) {
    // 10.96.0.0/12 (10.96-10.111) is the default service CIDR, which skiff up refuses to overlap.
    const a = 112 + Math.floor(Math.random() * 78);
    const b = 200 + Math.floor(Math.random() * 50);
    const c = Math.floor(Math.random() * 256);
    if (!used(`10.${a}.`) && !used(`10.${b}.${c}.`)) return { clusterCidr: `10.${a}.0.0/16`, nodeCidr: `10.${b}.${c}.0/24` };
  }
  throw new Error('no free 10.x networks on this host');
}

/** Everything of cluster `id` that exists on the host: namespaces, interfaces, routes, iptables rules, cgroups. */
export function hostObjects(id: string, nodeCidr: string): string[] {
  const found: string[] = [];
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  found.push(...netns.split('\n').filter((l) => l.startsWith(`skiff-${id}-`)).map((l) => `netns ${l.split(' ')[0]}`));
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  found.push(...links.split('\n').filter((l) => l.includes(`skiff-${id}`)).map((l) => `link ${l.split(':')[1]?.trim()}`));
  // Only routes of this cluster: through its bridge or via its nodes (other tests on this host have their own).
  const viaNode = ` via ${nodeCidr.split('.').slice(0, 3).join('.')}.`;
  const routes = execFileSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  found.push(...routes.split('\n').filter((l) => l.includes(`skiff-${id}`) || l.includes(viaNode)).map((l) => `route ${l}`));
  for (const table of ['filter', 'nat']) {
    const rules = execFileSync('iptables', ['-w', '-t', table, '-S'], { encoding: 'utf8' });
    found.push(...rules.split('\n').filter((l) => l.includes(`skiff-${id}`)).map((l) => `iptables ${l}`));
  }
  for (const h of existsSync('/sys/fs/cgroup') ? readdirSync('/sys/fs/cgroup') : []) {
    if (existsSync(join('/sys/fs/cgroup', h, `skiff-${id}`))) found.push(`cgroup ${h}/skiff-${id}`);
  }
  return found;
}
