import { spawn, type ChildProcessByStdio } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineAvailability } from '../../test-util/engines.js';
import { createStore } from '../create-store.js';
import type { EngineKind } from '../engine.js';
import { CrashLedger, checkRecovered } from './crash-check.js';
import type { CrashLine } from './crash-protocol.js';
import { transpileForChild } from './transpile-for-child.js';

/**
 * THE crash test: a child process runs concurrent writers against a durable store and prints every write it tries
 * and every acknowledgement; we SIGKILL it at a random moment (sometimes while it is still recovering), reopen the
 * data dir here and check that every acknowledged write is there, at its revision, and nothing else is off
 * (crash-check.ts). Then again, on the same data dir, CYCLES times per engine.
 * SKIFF_CRASH_CYCLES=200 for a longer run; SKIFF_CRASH_SEED to repeat one.
 */
const CYCLES = Number(process.env.SKIFF_CRASH_CYCLES ?? 20);
const SEED = Number(process.env.SKIFF_CRASH_SEED ?? Date.now() % 1_000_000);
/** Bounds on each wait, so a stuck child fails the test instead of hanging it. */
const READY_TIMEOUT_MS = 30_000;

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The package transpiled to JS once (transpile-for-child.ts), so each child starts fast. */
let buildDir: string;
let writerScript: string;

function rng(seed: number) {
  let x = seed | 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** One child: spawned ahead of time, so that its module loading overlaps the previous cycle. */
class Child {
  readonly proc: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly lines: CrashLine[] = [];
  readonly exited: Promise<void>;
  private stdout = '';
  private stderr = '';
  private waiters: { t: CrashLine['t']; done: () => void }[] = [];

  constructor() {
    this.proc = spawn(process.execPath, [writerScript], { cwd: packageDir, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.setEncoding('utf8').on('data', (chunk: string) => this.take(chunk));
    this.proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.proc.stdin.on('error', () => undefined);
    // 'close', not 'exit': only then has everything the child wrote to stdout been read.
    this.exited = new Promise((done) => this.proc.once('close', () => done()));
  }

  /** Waits for a line of kind `t`; rejects if the child exits first or takes too long. */
  until(t: CrashLine['t']): Promise<void> {
    if (this.lines.some((l) => l.t === t)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child gave no "${t}" within ${READY_TIMEOUT_MS} ms; stderr:\n${this.stderr}`)), READY_TIMEOUT_MS);
      void this.exited.then(() => reject(new Error(`child exited before "${t}"; stderr:\n${this.stderr}`)));
      this.waiters.push({ t, done: () => (clearTimeout(timer), resolve()) });
    });
  }

  go(dataDir: string, engine: EngineKind, cycle: number, seed: number): void {
    this.proc.stdin.write(`${dataDir} ${engine} ${cycle} ${seed}\n`);
  }

  async kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** Complete lines only: a line cut by the kill was never fully written, so its write was never issued. */
  private take(chunk: string): void {
    this.stdout += chunk;
    let nl: number;
    while ((nl = this.stdout.indexOf('\n')) >= 0) {
      const line = JSON.parse(this.stdout.slice(0, nl)) as CrashLine;
      this.stdout = this.stdout.slice(nl + 1);
      this.lines.push(line);
      for (const w of this.waiters.filter((x) => x.t === line.t)) w.done();
      this.waiters = this.waiters.filter((x) => x.t !== line.t);
    }
  }
}

const children = new Set<Child>();
const dirs: string[] = [];

function spawnChild(): Child {
  const c = new Child();
  children.add(c);
  return c;
}

beforeAll(() => {
  buildDir = fs.mkdtempSync(join(tmpdir(), 'skiff-crash-build-'));
  dirs.push(buildDir);
  writerScript = transpileForChild(packageDir, 'src/durability/crash-writer.ts', buildDir);
});

afterAll(async () => {
  for (const c of children) await c.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const { kind, available, reason } of engineAvailability()) {
  describe.skipIf(!available)(`crash recovery on the ${kind} engine${available ? '' : ` (skipped: ${reason})`}`, () => {
    it(`keeps every acknowledged write through ${CYCLES} SIGKILLs at random moments (seed ${SEED})`, { timeout: 60_000 + CYCLES * 5_000 }, async () => {
      const dataDir = fs.mkdtempSync(join(tmpdir(), `skiff-crash-${kind}-`));
      dirs.push(dataDir);
      const rand = rng(SEED);
      const ledger = new CrashLedger();
      let next = spawnChild();
      let killedRunning = 0;
      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        const child = next;
        await child.until('loaded');
        child.go(dataDir, kind, cycle, rand(2 ** 31) + 1);
        next = spawnChild();
        // One kill in four may land during recovery; the rest once the writers are running.
        if (rand(4) === 0) await sleep(rand(150));
        else {
          await child.until('ready');
          await sleep(20 + rand(280));
          killedRunning++;
        }
        await child.kill();
        children.delete(child);
        for (const line of child.lines) ledger.record(line);

        const store = await createStore({ engine: kind, dataDir });
        try {
          const problems = await checkRecovered(store, ledger);
          expect(problems, `cycle ${cycle} (seed ${SEED}): ${problems.slice(0, 10).join('\n')}`).toEqual([]);
        } finally {
          await store.close();
        }
      }
      await next.kill();
      children.delete(next);
      // The run proved something only if writes were acknowledged and killed mid-flight.
      expect(killedRunning).toBeGreaterThan(CYCLES / 2);
      expect(ledger.acks.size).toBeGreaterThan(CYCLES * 20);
    });
  });
}
