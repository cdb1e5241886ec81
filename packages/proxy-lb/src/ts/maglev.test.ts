// The Maglev builds of both engines (this twin, maglev.ts, and assembly/maglev.ts) against the textbook build
// (walk each permutation one slot at a time), for random prime table sizes, identities and weights: the probe
// windows and the rank-based tail must not change a single entry.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engines, hashes } from '../../test-util/core-builders.js';
import { referenceMaglev } from '../../test-util/reference-maglev.js';
import type { LbCore } from '../core.js';
import { createLbCore } from '../engine-factory.js';

interface Backend {
  id1: number;
  id2: number;
  weight: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Turns per round as the cores derive them: weight / gcd, halved (at least 1) while the total exceeds M. */
function turnsFor(weights: number[], m: number): number[] {
  const g = weights.reduce((a, w) => gcd(w, a), 0);
  let turns = weights.map((w) => w / g);
  while (turns.reduce((a, t) => a + t, 0) > m) {
    const max = Math.max(...turns);
    turns = turns.map((t) => (t > 1 ? t >> 1 : 1));
    if (max <= 1) break;
  }
  return turns;
}

function textbookTable(m: number, slots: number[], backends: Backend[]): number[] {
  const turns = turnsFor(backends.map((b) => b.weight), m);
  const order = backends
    .map((b, i) => ({ slot: slots[i], id1: b.id1, id2: b.id2, turns: turns[i] }))
    .sort((a, b) => a.id1 - b.id1 || a.id2 - b.id2 || a.slot - b.slot);
  return Array.from(referenceMaglev(m, order));
}

function build(core: LbCore, m: number, backends: Backend[]): { table: number[]; slots: number[] } {
  const svc = core.addService({ scheduler: 'mh', protocol: 'tcp', maglevTableSize: m });
  const slots = backends.map((b) => core.addBackend(svc, b));
  return { table: Array.from(core.table(svc)), slots };
}

// Sizes below, around and above the tail's start (sqrt(M) empty slots) and the window stages.
const tableSize = fc.constantFrom(3, 7, 13, 61, 251, 1021, 4093, 16381, 65537);
// Tiny identities collide on purpose: equal hashes walk the same permutation and sort by slot.
const id = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffffffff }));
const backend = fc.record({ id1: id, id2: id, weight: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 40 })) });

describe.each(engines)('Maglev build (%s engine)', (engine) => {
  it('matches the textbook table for random sizes, identities and weights', () => {
    fc.assert(
      fc.property(tableSize, fc.array(backend, { minLength: 1, maxLength: 120 }), (m, backends) => {
        const { table, slots } = build(createLbCore({ engine }), m, backends);
        expect(table).toEqual(textbookTable(m, slots, backends));
      }),
      { numRuns: 60 },
    );
  });

  it('matches the textbook table at the largest table size, where ranks come closest to 2^52', () => {
    const m = 1_048_573;
    const h1 = hashes(64, 5);
    const h2 = hashes(64, 6);
    const backends = Array.from(h1, (h, i) => ({ id1: h, id2: h2[i], weight: 1 + (i % 4) }));
    const { table, slots } = build(createLbCore({ engine }), m, backends);
    expect(table).toEqual(textbookTable(m, slots, backends));
  });
});
