import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TempDirs } from '../../../test-util/temp-dir.js';
import { writeAtomically, type Payload } from './atomic-writer.js';

const dirs = new TempDirs();
afterEach(() => dirs.removeAll());

const payload = (entries: Record<string, string>, mode = 0o644): Payload => new Map(Object.entries(entries).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

describe('writeAtomically', () => {
  it('lays files out behind ..data and top-level links', async () => {
    const dir = dirs.make();
    expect(await writeAtomically(dir, payload({ 'a.conf': 'one', 'sub/b.txt': 'two' }, 0o600))).toBe(true);
    expect(readFileSync(join(dir, 'a.conf'), 'utf8')).toBe('one');
    expect(readFileSync(join(dir, 'sub/b.txt'), 'utf8')).toBe('two');
    expect(readlinkSync(join(dir, 'a.conf'))).toBe('..data/a.conf');
    expect(lstatSync(join(dir, '..data')).isSymbolicLink()).toBe(true);
    expect(statSync(join(dir, 'a.conf')).mode & 0o777).toBe(0o600);
  });

  it('swaps to a new version on change, drops removed keys and the old version', async () => {
    const dir = dirs.make();
    await writeAtomically(dir, payload({ a: '1', b: '2' }));
    const first = readlinkSync(join(dir, '..data'));
    expect(await writeAtomically(dir, payload({ a: '3' }))).toBe(true);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('3');
    expect(readdirSync(dir).sort()).toEqual(['..data', readlinkSync(join(dir, '..data')), 'a'].sort());
    expect(readdirSync(dir)).not.toContain(first);
  });

  it('changes nothing when the payload is the same', async () => {
    const dir = dirs.make();
    await writeAtomically(dir, payload({ a: '1' }));
    const version = readlinkSync(join(dir, '..data'));
    expect(await writeAtomically(dir, payload({ a: '1' }))).toBe(false);
    expect(readlinkSync(join(dir, '..data'))).toBe(version);
  });

  it.each([['../escape'], ['/abs'], ['a/../../b']])('refuses the path %j', async (path) => {
    await expect(writeAtomically(dirs.make(), payload({ [path]: 'x' }))).rejects.toThrow(/stay inside the volume/);
  });
});
