import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { ExponentialFailureRateLimiter } from './rate-limiters.js';
import { WorkQueue } from './work-queue.js';

function queue(clock = new ManualClock()) {
  return { clock, q: new WorkQueue<string>({ clock, rateLimiter: new ExponentialFailureRateLimiter(5, 1000) }) };
}

/** Drains what is ready now, marking each item done. */
async function drain(q: WorkQueue<string>): Promise<string[]> {
  const out: string[] = [];
  while (q.length > 0) {
    const item = (await q.get())!;
    out.push(item);
    q.done(item);
  }
  return out;
}

describe('WorkQueue', () => {
  it('hands out items in the order they were added', async () => {
    const { q } = queue();
    for (const k of ['a', 'b', 'c']) q.add(k);
    expect(await drain(q)).toEqual(['a', 'b', 'c']);
  });

  it.each([
    { adds: ['a', 'a', 'a'], out: ['a'] },
    { adds: ['a', 'b', 'a', 'c', 'b'], out: ['a', 'b', 'c'] },
  ])('queues $adds once each as $out', async ({ adds, out }) => {
    const { q } = queue();
    for (const k of adds) q.add(k);
    expect(await drain(q)).toEqual(out);
  });

  it('never hands an item to a second worker while the first holds it, and requeues it when done', async () => {
    const { q } = queue();
    q.add('a');
    const first = await q.get();
    q.add('a');
    expect(q.length).toBe(0);
    q.add('b');
    expect(await q.get()).toBe('b');
    q.done(first!);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
  });

  it('wakes a waiting worker when an item arrives', async () => {
    const { q } = queue();
    const got = q.get();
    q.add('x');
    expect(await got).toBe('x');
  });

  it('adds a delayed item only once its time has come, and the earlier of two delays wins', async () => {
    const { q, clock } = queue();
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('b', 70);
    expect(q.length).toBe(0);
    expect(q.delayedLength).toBe(2);
    clock.advance(49);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(await drain(q)).toEqual(['a']);
    clock.advance(20);
    expect(await drain(q)).toEqual(['b']);
    clock.advance(100);
    expect(q.length).toBe(0);
  });

  it('orders delayed items by due time, then by when they were added', async () => {
    const { q, clock } = queue();
    q.addAfter('late', 30);
    q.addAfter('tie-1', 10);
    q.addAfter('early', 5);
    q.addAfter('tie-2', 10);
    clock.advance(40);
    expect(await drain(q)).toEqual(['early', 'tie-1', 'tie-2', 'late']);
  });

  it('backs a failing item off exponentially and forgets its failures on success', async () => {
    const { q, clock } = queue();
    const waits: number[] = [];
    q.add('k');
    for (let attempt = 0; attempt < 4; attempt++) {
      const item = (await q.get())!;
      q.addRateLimited(item);
      q.done(item);
      let waited = 0;
      while (q.length === 0) {
        clock.advance(1);
        waited++;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([5, 10, 20, 40]);
    expect(q.numRequeues('k')).toBe(4);
    q.forget('k');
    expect(q.numRequeues('k')).toBe(0);
  });

  it('hands out what is queued after shutdown, then undefined, and ignores new adds', async () => {
    const { q } = queue();
    q.add('a');
    q.addAfter('later', 10);
    q.shutDown();
    q.add('b');
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBeUndefined();
    expect(q.delayedLength).toBe(0);
  });

  it('resolves workers blocked in get() with undefined on shutdown', async () => {
    const { q } = queue();
    const pending = [q.get(), q.get()];
    q.shutDown();
    expect(await Promise.all(pending)).toEqual([undefined, undefined]);
  });

  it('waits for items in flight when shutting down with drain', async () => {
    const { q } = queue();
    q.add('a');
    const item = (await q.get())!;
    let drained = false;
    const d = q.shutDownWithDrain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done(item);
    await d;
    expect(drained).toBe(true);
  });

  it('processes each key once per change under concurrent workers, never two at once', async () => {
    const q = new WorkQueue<string>();
    const active = new Set<string>();
    let overlaps = 0;
    let processed = 0;
    const worker = async () => {
      for (let k = await q.get(); k !== undefined; k = await q.get()) {
        if (active.has(k)) overlaps++;
        active.add(k);
        await new Promise((r) => setImmediate(r));
        active.delete(k);
        processed++;
        q.done(k);
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 10; i++) q.add(`key-${i}`);
      await new Promise((r) => setImmediate(r));
    }
    await q.shutDownWithDrain();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    expect(processed).toBeGreaterThanOrEqual(10);
    expect(processed).toBeLessThanOrEqual(500);
  });
});
