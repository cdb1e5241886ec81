import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, linkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { isNodeAgentError } from '../errors.js';
import { TarReader, type TarEntry } from './tar-reader.js';
import { tarToBuffer } from './tar-writer.js';

const longName = `${'deep/'.repeat(40)}file-with-a-long-name.txt`;

async function readAll(archive: Buffer): Promise<{ entry: TarEntry; data: string }[]> {
  const reader = new TarReader(Readable.from([archive.subarray(0, 700), archive.subarray(700)]));
  const out: { entry: TarEntry; data: string }[] = [];
  for (let e = await reader.next(); e; e = await reader.next()) {
    out.push({ entry: e, data: (await reader.readAll()).toString() });
  }
  return out;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('TarReader', () => {
  it('reads what GNU tar writes: files, directories, symlinks, hard links and long names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-tar-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'src', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'src', 'sub', 'a.txt'), 'alpha');
    symlinkSync('sub/a.txt', join(dir, 'src', 'link'));
    linkSync(join(dir, 'src', 'sub', 'a.txt'), join(dir, 'src', 'hard'));
    mkdirSync(join(dir, 'src', ...longName.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(dir, 'src', longName), 'long');
    // gnu stores the 200+ byte name as an 'L' entry, pax as an extended header: both forms are covered
    for (const format of ['gnu', 'pax']) {
      const archive = execFileSync('tar', ['-c', `--format=${format}`, '-C', join(dir, 'src'), '.']);
      const entries = await readAll(archive);
      const byPath = new Map(entries.map((e) => [e.entry.path.replace(/^\.\//, '').replace(/\/$/, ''), e]));
      expect(byPath.get('link')?.entry).toMatchObject({ type: 'symlink', linkTarget: 'sub/a.txt' });
      expect(byPath.get('sub')?.entry.type).toBe('directory');
      expect(byPath.get(longName)).toMatchObject({ data: 'long', entry: { type: 'file', size: 4 } });
      const hardOrFile = [byPath.get('hard')!, byPath.get('sub/a.txt')!];
      expect(hardOrFile.map((e) => e.entry.type).sort()).toEqual(['file', 'hardlink']);
      expect(hardOrFile.find((e) => e.entry.type === 'file')?.data).toBe('alpha');
    }
  });

  it.each([
    ['a truncated header', (b: Buffer) => b.subarray(0, 300), 'truncated header'],
    ['a damaged checksum', (b: Buffer) => Buffer.concat([Buffer.from('x'), b.subarray(1)]), 'checksum'],
    ['truncated file data', (b: Buffer) => b.subarray(0, 512 + 2), 'truncated file data'],
  ])('rejects %s with InvalidImageArchive', async (_name, damage, why) => {
    const archive = await tarToBuffer([{ entry: { path: 'f', type: 'file' }, data: Buffer.from('hello') }]);
    const error = await readAll(damage(archive)).then(() => undefined, (e: unknown) => e);
    expect(isNodeAgentError(error, 'InvalidImageArchive')).toBe(true);
    expect(String(error)).toContain(why);
  });
});

describe('tarToBuffer', () => {
  it('writes archives GNU tar lists and extracts identically, long names and links included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-tar-'));
    dirs.push(dir);
    const archive = await tarToBuffer([
      { entry: { path: 'bin', type: 'directory' } },
      { entry: { path: 'bin/tool', type: 'file', mode: 0o4755 }, data: Buffer.from('#!/bin/sh\n') },
      { entry: { path: 'bin/alias', type: 'hardlink', linkTarget: 'bin/tool' } },
      { entry: { path: 'bin/sym', type: 'symlink', linkTarget: 'tool' } },
      { entry: { path: longName, type: 'file' }, data: Buffer.from('long') },
      { entry: { path: 'ünïcode.txt', type: 'file' }, data: Buffer.from('u') },
    ]);
    writeFileSync(join(dir, 'a.tar'), archive);
    const listing = execFileSync('tar', ['-tvf', join(dir, 'a.tar')], { encoding: 'utf8' });
    expect(listing).toContain('-rwsr-xr-x');
    expect(listing).toContain('bin/alias link to bin/tool');
    expect(listing).toContain('bin/sym -> tool');
    mkdirSync(join(dir, 'out'));
    execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', join(dir, 'out')]);
    expect(readFileSync(join(dir, 'out', longName), 'utf8')).toBe('long');
    expect(readFileSync(join(dir, 'out', 'ünïcode.txt'), 'utf8')).toBe('u');
    const back = await readAll(archive);
    expect(back.map((e) => e.entry.path)).toEqual(['bin/', 'bin/tool', 'bin/alias', 'bin/sym', longName, 'ünïcode.txt']);
  });

  it('produces the same bytes for the same entries', async () => {
    const entries = [{ entry: { path: 'x', type: 'file' as const }, data: Buffer.from('1') }];
    expect((await tarToBuffer(entries)).equals(await tarToBuffer(entries))).toBe(true);
  });
});
