import { describe, expect, it } from 'vitest';
import { NO_SLAB, ValueArena } from './value-arena.js';

const MIB = 1 << 20;

function storeBytes(arena: ValueArena, len: number, fill: number): { slab: number; offset: number; len: number } {
  arena.store(new Uint8Array(len).fill(fill));
  return { slab: arena.slab, offset: arena.offset, len };
}

function read(arena: ValueArena, v: { slab: number; offset: number; len: number }): Uint8Array {
  return arena.bytes(v.slab).subarray(v.offset, v.offset + v.len);
}

describe('ValueArena', () => {
  it('appends values one after the other and reads them back', () => {
    const arena = new ValueArena();
    const a = storeBytes(arena, 10, 1);
    const c = storeBytes(arena, 20, 2);
    expect([a.slab, a.offset, c.slab, c.offset]).toEqual([0, 0, 0, 10]);
    expect([...read(arena, a)]).toEqual(new Array(10).fill(1));
    expect([...read(arena, c)]).toEqual(new Array(20).fill(2));
  });

  it('stores a slice of a larger array', () => {
    const arena = new ValueArena();
    arena.store(Uint8Array.from([9, 8, 7, 6]), 1, 3);
    expect([...arena.bytes(arena.slab).subarray(arena.offset, arena.offset + 2)]).toEqual([8, 7]);
  });

  it('keeps no storage for an empty value', () => {
    const arena = new ValueArena();
    arena.store(new Uint8Array(0));
    expect(arena.slab).toBe(NO_SLAB);
    expect(arena.memoryBytes).toBe(0);
  });

  it('starts a new slab when a value does not fit in the current one', () => {
    const arena = new ValueArena();
    for (let i = 0; i < 4; i++) storeBytes(arena, 250 * 1024, i);
    const fifth = storeBytes(arena, 250 * 1024, 4);
    expect({ slab: fifth.slab, offset: fifth.offset, memory: arena.memoryBytes }).toEqual({ slab: 1, offset: 0, memory: 2 * MIB });
  });

  it('gives a value over a quarter slab its own slab and drops it when released', () => {
    const arena = new ValueArena();
    storeBytes(arena, 100, 1);
    const big = storeBytes(arena, 600 * 1024, 2);
    expect(arena.memoryBytes).toBe(MIB + 600 * 1024);
    arena.release(big.slab, big.len);
    expect(arena.memoryBytes).toBe(MIB);
  });

  it('drops a full slab once nothing in it is live, and reuses its number', () => {
    const arena = new ValueArena();
    const first = Array.from({ length: 4 }, (_, i) => storeBytes(arena, 256 * 1024, i));
    storeBytes(arena, 10, 9); // slab 1 becomes current
    for (const v of first) arena.release(v.slab, v.len);
    expect(arena.memoryBytes).toBe(MIB); // the dropped slab is kept as a spare, not in use
    storeBytes(arena, 256 * 1024 + 1, 5); // a big value takes the freed number 0
    expect(arena.slab).toBe(0);
  });

  it('starts the next slab in the memory of a dropped one instead of allocating', () => {
    const arena = new ValueArena();
    const first = Array.from({ length: 4 }, (_, i) => storeBytes(arena, 256 * 1024, i));
    const dropped = arena.bytes(first[0]!.slab);
    storeBytes(arena, 10, 9); // slab 1 becomes current
    for (const v of first) arena.release(v.slab, v.len);
    for (let i = 0; i < 4; i++) storeBytes(arena, 256 * 1024, 20 + i); // fills slab 1, then needs a new one
    expect(arena.bytes(arena.slab)).toBe(dropped);
    expect(arena.memoryBytes).toBe(2 * MIB); // slab 1 and the reused one
    expect(arena.bytes(arena.slab)[arena.offset]).toBe(23);
  });

  it('marks full slabs under half live as sparse, never the current one', () => {
    const arena = new ValueArena();
    const values = Array.from({ length: 8 }, (_, i) => storeBytes(arena, 128 * 1024, i)); // fills slab 0
    storeBytes(arena, 10, 1); // slab 1 is current
    for (const v of values.slice(0, 5)) arena.release(v.slab, v.len); // 3 of 8 left
    expect(arena.markSparse()).toBe(true);
    expect([arena.isEvacuating(0), arena.isEvacuating(1), arena.isEvacuating(NO_SLAB)]).toEqual([true, false, false]);
  });

  it('does not mark a slab that is still half live', () => {
    const arena = new ValueArena();
    const values = Array.from({ length: 8 }, (_, i) => storeBytes(arena, 128 * 1024, i));
    storeBytes(arena, 10, 1);
    for (const v of values.slice(0, 4)) arena.release(v.slab, v.len); // exactly half left
    expect(arena.markSparse()).toBe(false);
  });
});
