import { describe, expect, it } from 'vitest';
import { prefixEnd } from './key-range.js';

describe('prefixEnd', () => {
  it('increments the last byte below 0xff and drops the rest, or gives "\\0" when there is none', () => {
    expect([...prefixEnd(Uint8Array.of(0x61, 0x2f))]).toEqual([0x61, 0x30]);
    expect([...prefixEnd(Uint8Array.of(0x61, 0xff, 0xff))]).toEqual([0x62]);
    expect([...prefixEnd(Uint8Array.of(0xff))]).toEqual([0x00]);
    expect([...prefixEnd(new Uint8Array(0))]).toEqual([0x00]);
  });

  it("leaves the caller's key alone when it is a Buffer (whose slice shares memory) or a view into a larger buffer", () => {
    const key = Buffer.from('/registry/pods/');
    expect(Buffer.from(prefixEnd(key)).toString()).toBe('/registry/pods0');
    expect(key.toString()).toBe('/registry/pods/');
    const backing = Buffer.from('xx/a/yy');
    const view = backing.subarray(2, 5);
    expect(Buffer.from(prefixEnd(view)).toString()).toBe('/a0');
    expect(backing.toString()).toBe('xx/a/yy');
  });
});
