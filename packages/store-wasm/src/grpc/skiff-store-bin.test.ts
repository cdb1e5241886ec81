import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { engineAvailability } from '../../test-util/engines.js';
import { etcdctl } from '../../test-util/etcdctl.js';
import { freePort } from '../../test-util/real-etcd.js';
import { eventually } from '@skiff/test-util';

/** The skiff-store bin from source (through tsx), as a person runs it: flags, readiness line, signals, restarts. */

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'bin', 'skiff-store.ts');
const TSX = join(here, '..', '..', '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs');

interface Run {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

function run(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

const available = engineAvailability().filter((e) => e.available);

describe('the skiff-store bin', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const child of running) if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  const badFlags: [string, string[], RegExp][] = [
    ['an unknown flag', ['--nope'], /unknown flag --nope/],
    ['a bad engine', ['--engine=rust'], /--engine=rust: expected one of wasm, ts/],
    ['a bad fsync mode', ['--fsync=maybe'], /--fsync=maybe/],
    ['a malformed URL', ['--listen-client-urls=127.0.0.1'], /listen-client-urls/],
  ];
  for (const [what, args, message] of badFlags) {
    it(`exits with code 2 and says why on ${what}`, async () => {
      const r = run(args);
      expect(await r.exited, r.stderr()).toBe(2);
      expect(r.stderr()).toMatch(message);
    }, 30_000);
  }

  it('prints usage on --help and exits 0', async () => {
    const r = run(['--help']);
    expect(await r.exited).toBe(0);
    expect(r.stdout()).toContain('--listen-client-urls');
  }, 30_000);

  for (const { kind } of available) {
    it(`serves etcdctl on the ${kind} engine, stops cleanly on SIGTERM and SIGINT, and keeps its data across restarts`, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'skiff-store-bin-'));
      dirs.push(dataDir);
      const port = await freePort();
      const args = [`--data-dir=${dataDir}`, `--listen-client-urls=http://127.0.0.1:${port}`, `--engine=${kind}`, '--name=bin-test'];
      const endpoint = `127.0.0.1:${port}`;

      const first = run(args);
      await eventually(() => first.stdout().includes('skiff-store ready'), 'the readiness line', 20_000);
      expect(first.stdout()).toContain(`http://127.0.0.1:${port}`);
      expect((await etcdctl(endpoint, ['put', 'kept', 'across-restarts'])).stdout).toBe('OK\n');
      expect((await etcdctl(endpoint, ['member', 'list'])).stdout).toContain(', started, bin-test, ');
      process.kill(first.child.pid!, 'SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.stderr()).toContain('stopped cleanly');

      const second = run(args);
      await eventually(() => second.stdout().includes('skiff-store ready'), 'the readiness line after a restart', 20_000);
      expect(second.stdout()).toContain('revision 2');
      expect((await etcdctl(endpoint, ['get', 'kept', '--print-value-only'])).stdout).toBe('across-restarts\n');
      process.kill(second.child.pid!, 'SIGINT');
      expect(await second.exited).toBe(0);
    }, 60_000);
  }

  it('exits 1 with the reason when its port is taken', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'skiff-store-bin-'));
    dirs.push(dataDir);
    const port = await freePort();
    const first = run([`--data-dir=${dataDir}/a`, `--listen-client-urls=http://127.0.0.1:${port}`, '--engine=ts']);
    await eventually(() => first.stdout().includes('skiff-store ready'), 'the first server', 20_000);
    const second = run([`--data-dir=${dataDir}/b`, `--listen-client-urls=http://127.0.0.1:${port}`, '--engine=ts']);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/cannot listen on http:\/\/127\.0\.0\.1:\d+/);
    process.kill(first.child.pid!, 'SIGTERM');
    expect(await first.exited).toBe(0);
  }, 60_000);
});
