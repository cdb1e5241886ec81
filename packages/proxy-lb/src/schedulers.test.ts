import { describe, expect, it } from 'vitest';
import { coreFor, engines, hashes, serviceWith, slotCounts } from '../test-util/core-builders.js';
import { referenceMaglev } from '../test-util/reference-maglev.js';
import { NO_BACKEND } from './status.js';

function picks(core: ReturnType<typeof coreFor>, svc: number, n: number, exclude?: number[]): number[] {
  const h = hashes(n, 99);
  return Array.from(h, (x) => core.pick(svc, x, x ^ 1, exclude));
}

describe.each(engines)('schedulers (%s engine)', (engine) => {
  describe('rr', () => {
    it('cycles through backends in the order they were added', () => {
      const core = coreFor(engine);
      const { svc, backends: [a, b, c] } = serviceWith(core, 'rr', [1, 1, 1]);
      expect(picks(core, svc, 7)).toEqual([a, b, c, a, b, c, a]);
    });

    it('ignores weights other than zero', () => {
      const core = coreFor(engine);
      const { svc, backends: [a, b] } = serviceWith(core, 'rr', [5, 1]);
      expect(picks(core, svc, 4)).toEqual([a, b, a, b]);
    });

    it.each([
      ['draining', (core: ReturnType<typeof coreFor>, b: number) => core.setDraining(b, true)],
      ['quiesced (weight 0)', (core: ReturnType<typeof coreFor>, b: number) => core.setWeight(b, 0)],
    ])('skips a %s backend', (_name, disable) => {
      const core = coreFor(engine);
      const { svc, backends: [a, b, c] } = serviceWith(core, 'rr', [1, 1, 1]);
      disable(core, b);
      expect(picks(core, svc, 4)).toEqual([a, c, a, c]);
    });

    it('continues after the removed backend when the last one picked is removed', () => {
      const core = coreFor(engine);
      const { svc, backends: [a, b, c, d] } = serviceWith(core, 'rr', [1, 1, 1, 1]);
      expect(picks(core, svc, 2)).toEqual([a, b]);
      core.removeBackend(b);
      expect(picks(core, svc, 4)).toEqual([c, d, a, c]);
    });
  });

  describe('wrr', () => {
    it.each([
      { weights: [4, 3, 2], sequence: [0, 0, 1, 0, 1, 2, 0, 1, 2] },
      { weights: [1, 1], sequence: [0, 1, 0, 1] },
      { weights: [2, 4], sequence: [1, 0, 1, 1, 0, 1] },
      { weights: [3, 0, 1], sequence: [0, 0, 0, 2, 0, 0, 0, 2] },
    ])('interleaves weights $weights as LVS does', ({ weights, sequence }) => {
      const core = coreFor(engine);
      const { svc, backends } = serviceWith(core, 'wrr', weights);
      expect(picks(core, svc, sequence.length)).toEqual(sequence.map((i) => backends[i]));
    });

    it('starts the sequence over after a weight changes', () => {
      const core = coreFor(engine);
      const { svc, backends: [a, b] } = serviceWith(core, 'wrr', [2, 1]);
      expect(picks(core, svc, 2)).toEqual([a, a]);
      core.setWeight(b, 2);
      expect(picks(core, svc, 4)).toEqual([a, b, a, b]);
    });
  });

  describe('lc and wlc', () => {
    it('lc sends each new flow to the backend with the fewest flows, ties to the earliest', () => {
      const core = coreFor(engine);
      const { svc, backends: [a, b, c] } = serviceWith(core, 'lc', [1, 1, 1]);
      const got = [0, 1, 2, 3].map((i) => core.lookup(svc, { keyLo: i, keyHi: 0, srcHash: 0, dstHash: 0, client: i }, 0));
      expect(got).toEqual([a, b, c, a]);
      core.release(svc, { keyLo: 1, keyHi: 0, srcHash: 0, dstHash: 0, client: 1 });
      expect(core.pick(svc, 0, 0)).toBe(b);
    });

    it('lc ignores weights, wlc divides by them', () => {
      for (const [sched, share] of [['lc', [6, 6]], ['wlc', [3, 9]]] as const) {
        const core = coreFor(engine);
        const { svc, backends: [a, b] } = serviceWith(core, sched, [1, 3]);
        for (let i = 0; i < 12; i++) core.lookup(svc, { keyLo: i, keyHi: 1, srcHash: 0, dstHash: 0, client: i }, 0);
        expect([core.backendCounts(a).active, core.backendCounts(b).active]).toEqual(share);
      }
    });

    it('wlc breaks ties between equal loads per weight by list order', () => {
      const core = coreFor(engine);
      const { svc, backends: [a] } = serviceWith(core, 'wlc', [2, 4]);
      expect(core.pick(svc, 0, 0)).toBe(a);
    });

    it('counts UDP flows as inactive connections', () => {
      const core = coreFor(engine);
      const { svc, backends: [a, b] } = serviceWith(core, 'lc', [1, 1], { protocol: 'udp' });
      core.lookup(svc, { keyLo: 1, keyHi: 1, srcHash: 0, dstHash: 0, client: 1 }, 0);
      expect(core.backendCounts(a)).toEqual({ active: 0, inactive: 1, persistent: 0 });
      expect(core.pick(svc, 0, 0)).toBe(b);
    });
  });

  describe('sh and dh', () => {
    it('sh sends one source hash to one backend every time', () => {
      const core = coreFor(engine);
      const { svc } = serviceWith(core, 'sh', [1, 1, 1, 1]);
      for (const h of hashes(50, 3)) {
        const first = core.pick(svc, h, 1);
        expect([core.pick(svc, h, 2), core.pick(svc, h, 3)]).toEqual([first, first]);
      }
    });

    it('dh picks by destination and ignores the source', () => {
      const core = coreFor(engine);
      const { svc } = serviceWith(core, 'dh', [1, 1, 1]);
      const dsts = hashes(20, 5);
      for (const d of dsts) expect(new Set(Array.from(hashes(10, d), (s) => core.pick(svc, s, d))).size).toBe(1);
    });

    it('gives each backend buckets in proportion to its weight', () => {
      const core = coreFor(engine);
      const { svc, backends: [a, b, c] } = serviceWith(core, 'sh', [1, 2, 5]);
      const counts = slotCounts(core.table(svc));
      const total = core.table(svc).length;
      expect(total).toBeGreaterThanOrEqual(256);
      expect(Math.abs(counts.get(a)! / total - 1 / 8)).toBeLessThan(0.01);
      expect(Math.abs(counts.get(b)! / total - 2 / 8)).toBeLessThan(0.01);
      expect(Math.abs(counts.get(c)! / total - 5 / 8)).toBeLessThan(0.01);
    });

    it('gives every one of 1,000 backends buckets, unlike IPVS fixed 256', () => {
      const core = coreFor(engine);
      const { svc } = serviceWith(core, 'sh', new Array(1000).fill(1));
      expect(slotCounts(core.table(svc)).size).toBe(1000);
    });
  });

  describe('mh (Maglev)', () => {
    it('builds the worked example of the table comment', () => {
      const core = coreFor(engine);
      // A: offset 3 % 7 = 3, skip 3 % 6 + 1 = 4. B: offset 7 % 7 = 0, skip 1 % 6 + 1 = 2. A sorts first (3 < 7).
      const { svc, backends: [a, b] } = serviceWith(core, 'mh', [1, 1], {
        maglevTableSize: 7,
        ids: [{ id1: 3, id2: 3 }, { id1: 7, id2: 1 }],
      });
      expect(Array.from(core.table(svc))).toEqual([b, a, b, a, a, a, b]);
    });

    it.each([3, 10, 100, 1000])('gives each of %i equal backends floor or ceil of M/N slots', (n) => {
      const core = coreFor(engine);
      const { svc } = serviceWith(core, 'mh', new Array(n).fill(1));
      const counts = [...slotCounts(core.table(svc)).values()];
      expect(counts.length).toBe(n);
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(Math.floor(65537 / n));
      expect(Math.max(...counts)).toBeLessThanOrEqual(Math.ceil(65537 / n));
    });

    it('gives slots in proportion to weights', () => {
      const core = coreFor(engine);
      const { svc, backends: [a, b, c] } = serviceWith(core, 'mh', [1, 2, 3]);
      const counts = slotCounts(core.table(svc));
      expect(Math.abs(counts.get(a)! - 65537 / 6)).toBeLessThanOrEqual(3);
      expect(Math.abs(counts.get(b)! - (2 * 65537) / 6)).toBeLessThanOrEqual(3);
      expect(Math.abs(counts.get(c)! - (3 * 65537) / 6)).toBeLessThanOrEqual(3);
    });

    it('builds the same table whatever order the backends were added in', () => {
      const core = coreFor(engine);
      const ids = Array.from(hashes(40, 11), (h, i) => ({ id1: h, id2: hashes(40, 12)[i] }));
      const one = serviceWith(core, 'mh', new Array(40).fill(1), { ids });
      const other = serviceWith(core, 'mh', new Array(40).fill(1), { ids: [...ids].reverse() });
      const asIndex = (t: Int32Array, bs: number[]) => Array.from(t, (b) => ids.findIndex((_, i) => bs[i] === b));
      const reversedIndex = (t: Int32Array, bs: number[]) => Array.from(t, (b) => 39 - bs.indexOf(b));
      expect(reversedIndex(core.table(other.svc), other.backends)).toEqual(asIndex(core.table(one.svc), one.backends));
    });

    it('moves little more than the removed backend share of slots when one of 100 leaves', () => {
      const core = coreFor(engine);
      const { svc, backends } = serviceWith(core, 'mh', new Array(100).fill(1));
      const before = core.table(svc);
      core.removeBackend(backends[42]);
      const after = core.table(svc);
      let moved = 0;
      for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) moved++;
      expect(moved / before.length).toBeGreaterThanOrEqual(1 / 100 - 0.001);
      expect(moved / before.length).toBeLessThanOrEqual(1 / 100 + 0.02);
    });

    it.each([[7, 3], [251, 40], [4093, 300], [65537, 1000]])('builds the textbook table for M = %i and %i backends', (m, n) => {
      const core = coreFor(engine);
      const ids = Array.from(hashes(n, m), (h, i) => ({ id1: h, id2: hashes(n, m + 1)[i] }));
      const weights = Array.from({ length: n }, (_, i) => 1 + (i % 3));
      const { svc, backends } = serviceWith(core, 'mh', weights, { maglevTableSize: m, ids });
      const order = backends
        .map((slot, i) => ({ slot, id1: ids[i].id1, id2: ids[i].id2, turns: weights[i] }))
        .sort((a, b) => a.id1 - b.id1 || a.id2 - b.id2 || a.slot - b.slot);
      expect(Array.from(core.table(svc))).toEqual(Array.from(referenceMaglev(m, order)));
    });

    it('rejects a table size that is not prime', () => {
      const core = coreFor(engine);
      expect(() => core.addService({ scheduler: 'mh', protocol: 'tcp', maglevTableSize: 65536 })).toThrow(/prime/);
    });
  });

  describe.each(['rr', 'wrr', 'lc', 'wlc', 'sh', 'dh', 'mh'] as const)('%s, common rules', (sched) => {
    it('returns NO_BACKEND when the service has no backend', () => {
      const core = coreFor(engine);
      const { svc } = serviceWith(core, sched, []);
      expect(core.pick(svc, 1, 2)).toBe(NO_BACKEND);
    });

    it('never picks a draining or quiesced backend', () => {
      const core = coreFor(engine);
      const { svc, backends: [a, b, c] } = serviceWith(core, sched, [1, 1, 1]);
      core.setDraining(a, true);
      core.setWeight(c, 0);
      expect(new Set(picks(core, svc, 200))).toEqual(new Set([b]));
    });

    it('returns NO_BACKEND when every backend is draining', () => {
      const core = coreFor(engine);
      const { svc, backends } = serviceWith(core, sched, [1, 1]);
      for (const b of backends) core.setDraining(b, true);
      expect(core.pick(svc, 1, 2)).toBe(NO_BACKEND);
    });

    it('skips excluded backends, and gives NO_BACKEND when all are excluded', () => {
      const core = coreFor(engine);
      const { svc, backends: [a, b, c] } = serviceWith(core, sched, [1, 1, 1]);
      expect(new Set(picks(core, svc, 100, [a, c]))).toEqual(new Set([b]));
      expect(core.pick(svc, 5, 6, [a, b, c])).toBe(NO_BACKEND);
    });
  });
});
