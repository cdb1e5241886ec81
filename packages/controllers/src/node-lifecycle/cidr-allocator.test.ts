import { describe, expect, it } from 'vitest';
import { CidrAllocator } from './cidr-allocator.js';

describe('CidrAllocator', () => {
  it.each([
    { cluster: '10.244.0.0/16', mask: 24, capacity: 256, first: '10.244.0.0/24', second: '10.244.1.0/24' },
    { cluster: '10.0.0.0/8', mask: 16, capacity: 256, first: '10.0.0.0/16', second: '10.1.0.0/16' },
    { cluster: '192.168.0.0/24', mask: 26, capacity: 4, first: '192.168.0.0/26', second: '192.168.0.64/26' },
  ])('cuts $cluster into $capacity blocks of /$mask, lowest first', ({ cluster, mask, capacity, first, second }) => {
    const a = new CidrAllocator(cluster, mask);
    expect(a.capacity).toBe(capacity);
    expect(a.allocate()).toBe(first);
    expect(a.allocate()).toBe(second);
  });

  it('skips blocks already on nodes, reuses released ones, and reports exhaustion', () => {
    const a = new CidrAllocator('192.168.0.0/24', 26);
    a.occupy('192.168.0.0/26');
    a.occupy('10.0.0.0/26'); // not ours: ignored
    expect([a.allocate(), a.allocate(), a.allocate()]).toEqual(['192.168.0.64/26', '192.168.0.128/26', '192.168.0.192/26']);
    expect(a.allocate()).toBeUndefined();
    a.release('192.168.0.128/26');
    expect(a.allocate()).toBe('192.168.0.128/26');
  });
});
