import { describe, expect, it } from 'vitest';
import { b, kvText } from '../../test-util/kv-text.js';
import { TsEngine } from './ts-engine.js';

const KIB = (fill: number): Uint8Array => new Uint8Array(1024).fill(fill);

describe('TsEngine compaction', () => {
  it('frees the value bytes of overwritten revisions and keeps the survivors readable', () => {
    const e = new TsEngine();
    const keys = 500;
    for (let round = 0; round < 8; round++) for (let k = 0; k < keys; k++) e.put(b(`/registry/pods/ns/p${k}`), KIB(round * 16 + (k % 16)));
    const before = e.stats();
    e.compact(e.currentRevision());
    const after = e.stats();
    expect({ keys: after.keys, revisions: after.revisions }).toEqual({ keys, revisions: keys });
    // 8 revisions of 1 KiB per key down to 1: at least half of the bytes must be gone.
    expect(after.memoryBytes).toBeLessThan(before.memoryBytes / 2);
    const wrong = [];
    for (let k = 0; k < keys; k++) {
      const v = e.range(b(`/registry/pods/ns/p${k}`)).kvs[0]!.value;
      if (v.length !== 1024 || v[0] !== 7 * 16 + (k % 16) || v[1023] !== v[0]) wrong.push(k);
    }
    expect(wrong).toEqual([]);
    e.close();
  });

  it('moves the few values left in a mostly freed slab and still serves them', () => {
    const e = new TsEngine();
    // 2,000 keys of 1 KiB fill about two slabs; deleting all but every 10th leaves them sparse.
    for (let k = 0; k < 2000; k++) e.put(b(`k${k}`), KIB(k % 251));
    for (let k = 0; k < 2000; k++) if (k % 10 !== 0) e.deleteRange(b(`k${k}`));
    const before = e.stats().memoryBytes;
    e.compact(e.currentRevision());
    expect(e.stats().memoryBytes).toBeLessThan(before);
    const values = [];
    for (let k = 0; k < 2000; k += 10) values.push(e.range(b(`k${k}`)).kvs[0]!.value[512]);
    expect(values).toEqual(Array.from({ length: 200 }, (_, i) => (i * 10) % 251));
    e.close();
  });

  it('forgets deleted keys entirely, so a new put starts a new generation at version 1', () => {
    const e = new TsEngine();
    e.put(b('a'), b('1'));
    e.put(b('a'), b('2'));
    e.deleteRange(b('a'));
    e.compact(4);
    expect(e.stats()).toMatchObject({ keys: 0, revisions: 0 });
    e.put(b('a'), b('3'));
    expect(kvText(e.range(b('a')).kvs[0]!)).toEqual({ key: 'a', value: '3', create: 5, mod: 5, version: 1, lease: 0 });
    expect(e.range(b('\0'), b('\0'), { revision: 4 }).count).toBe(0);
    e.close();
  });

  it('compacts keys changed between passes and leaves untouched keys alone', () => {
    const e = new TsEngine();
    e.put(b('still'), b('1')); // 2
    e.put(b('busy'), b('1')); // 3
    e.compact(3);
    e.put(b('busy'), b('2')); // 4
    e.put(b('busy'), b('3')); // 5
    e.compact(5);
    expect(e.stats()).toMatchObject({ keys: 2, revisions: 2 });
    expect(e.range(b('\0'), b('\0'), { revision: 5 }).kvs.map(kvText).map((kv) => [kv.key, kv.value])).toEqual([
      ['busy', '3'],
      ['still', '1'],
    ]);
    e.close();
  });
});
