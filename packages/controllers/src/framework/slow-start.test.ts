import { describe, expect, it } from 'vitest';
import { slowStartBatch } from './slow-start.js';

describe('slowStartBatch', () => {
  it.each([
    { count: 0, batches: [] },
    { count: 1, batches: [1] },
    { count: 10, batches: [1, 2, 4, 3] },
    { count: 500, batches: [1, 2, 4, 8, 16, 32, 64, 128, 245] },
  ])('runs $count calls in batches $batches', async ({ count, batches }) => {
    const seen: number[] = [];
    let inBatch = 0;
    const sizes: number[] = [];
    let last = -1;
    const { succeeded } = await slowStartBatch(count, 1, async (i) => {
      seen.push(i);
      if (i !== last + 1) throw new Error('out of order');
      last = i;
      inBatch++;
      await Promise.resolve();
      if (inBatch > 0) {
        sizes.push(inBatch);
        inBatch = 0;
      }
    });
    expect(succeeded).toBe(count);
    expect(seen).toHaveLength(count);
    // Every call of a batch starts before any of them finishes: the first to finish sees the whole batch.
    expect(sizes.filter((s) => s > 0)).toEqual(batches);
  });

  it('stops after the first batch with a failure and reports it', async () => {
    let calls = 0;
    const res = await slowStartBatch(100, 1, async (i) => {
      calls++;
      if (i === 4) throw new Error('quota exceeded');
    });
    // Batches 1, 2, 4: the call with index 4 is in the third batch; nothing after it starts.
    expect(calls).toBe(7);
    expect(res.succeeded).toBe(6);
    expect((res.error as Error).message).toBe('quota exceeded');
  });
});
