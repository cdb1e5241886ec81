/**
 * The child process of the crash test (crash.test.ts): opens a durable store and runs concurrent writers until it
 * is killed. Started with node (transpiled, see transpile-for-child.ts); told what to do on stdin (see main()).
 *
 * stdout, one JSON object per line, each written synchronously (see say()), so a line printed is a line the parent
 * will read even if SIGKILL arrives right after:
 *   {"t":"loaded"}                                           modules loaded, waiting for orders
 *   {"t":"ready","rev":N}                                    recovered, about to write
 *   {"t":"try","id":"c.w.n","op":...}                        before a write is issued
 *   {"t":"ack","id":"c.w.n","rev":R,...}                     once its promise has resolved (it is durable)
 */
import { writeSync } from 'node:fs';
import { createStoreWith } from '../create-store.js';
import { utf8 } from '../key-range.js';
import type { Store } from '../store.js';
import { WRITERS, type CrashLine, type CrashOp } from './crash-protocol.js';

const KEYS_PER_WRITER = 8;
const MAX_LIFETIME_MS = 120_000;
const PAD = 'x'.repeat(120);

/**
 * Writes one line straight to fd 1, synchronously: process.stdout is asynchronous on a pipe, and a "try" line
 * still in Node's buffer when SIGKILL lands would be a write the parent never heard of. Lines stay under PIPE_BUF
 * (4 KiB), so each arrives whole or not at all.
 */
function say(line: CrashLine): void {
  const buf = Buffer.from(`${JSON.stringify(line)}\n`);
  for (let at = 0; at < buf.byteLength; ) {
    try {
      at += writeSync(1, buf, at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

function rng(seed: number) {
  let x = seed | 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** One writer: its own keys and leases, one write in flight at a time, forever. */
async function writer(store: Store, cycle: number, w: number, rand: (n: number) => number): Promise<void> {
  const leases: number[] = [];
  const key = () => `/crash/w${w}/k${rand(KEYS_PER_WRITER)}`;
  for (let n = 0; ; n++) {
    const id = `${cycle}.${w}.${n}`;
    const value = `${id}|${PAD}`;
    const pick = rand(100);
    let op: CrashOp;
    if (pick < 50) op = { kind: 'put', key: key(), value, lease: leases.length > 0 && rand(5) === 0 ? leases[rand(leases.length)]! : 0 };
    else if (pick < 65) op = { kind: 'del', key: key() };
    else if (pick < 85) op = { kind: 'txn', ifKey: key(), then: [{ key: key(), value }, { key: `/crash/w${w}/t`, value }], else: [{ key: key(), value }] };
    else if (pick < 95 || leases.length === 0) op = { kind: 'grant', lease: (cycle * 1000 + w) * 100_000 + n + 1 };
    else op = { kind: 'revoke', lease: leases.splice(rand(leases.length), 1)[0]! };
    say({ t: 'try', id, op });
    switch (op.kind) {
      case 'put': {
        const r = await store.put(utf8(op.key), utf8(op.value), { lease: op.lease });
        say({ t: 'ack', id, rev: r.revision });
        break;
      }
      case 'del': {
        const r = await store.deleteRange(utf8(op.key));
        say({ t: 'ack', id, rev: r.revision, deleted: r.deleted });
        break;
      }
      case 'txn': {
        const r = await store.txn({
          compare: [{ key: utf8(op.ifKey), target: 'version', result: 'greater', value: 0 }],
          success: op.then.map((p) => ({ put: { key: utf8(p.key), value: utf8(p.value) } })),
          failure: op.else.map((p) => ({ put: { key: utf8(p.key), value: utf8(p.value) } })),
        });
        say({ t: 'ack', id, rev: r.revision, succeeded: r.succeeded });
        break;
      }
      case 'grant':
        await store.leaseGrant(3600, op.lease);
        leases.push(op.lease);
        say({ t: 'ack', id });
        break;
      case 'revoke': {
        const r = await store.leaseRevoke(op.lease);
        say({ t: 'ack', id, rev: r.revision });
        break;
      }
    }
  }
}

/** The first line on stdin; the process exits if stdin closes first (the parent is gone). */
function firstLine(): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    process.stdin.on('end', () => process.exit(0));
  });
}

/**
 * Loads everything first and says so, then waits for "<dataDir> <engine> <cycle> <seed>" on stdin: the parent
 * starts the next child while the current one runs, so module loading stays off the test's critical path.
 */
async function main(): Promise<void> {
  // A child the parent forgot must not write forever.
  setTimeout(() => process.exit(3), MAX_LIFETIME_MS).unref();
  say({ t: 'loaded' });
  const [dataDir, engine, cycle, seed] = (await firstLine()).trim().split(' ');
  if (!dataDir || (engine !== 'ts' && engine !== 'wasm') || !cycle || !seed) {
    process.stderr.write('expected "<dataDir> <ts|wasm> <cycle> <seed>" on stdin\n');
    process.exit(2);
  }
  // Small segments and frequent snapshots, so kills land during rolls, snapshots and segment deletion too.
  const store = await createStoreWith({ engine, dataDir, fsync: 'always', snapshotEveryRecords: 300 }, { segmentBytes: 32 * 1024 });
  say({ t: 'ready', rev: store.localStatus().revision });
  const rand = rng(Number(seed));
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(store, Number(cycle), w, rng(rand(2 ** 31) + 1))));
}

main().catch((e: unknown) => {
  process.stderr.write(`crash-writer failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
