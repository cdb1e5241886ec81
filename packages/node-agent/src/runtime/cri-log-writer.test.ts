import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TempDirs } from '../../test-util/temp-dir.js';
import { CriLogWriter } from './cri-log-writer.js';

const temp = new TempDirs();
afterEach(() => temp.removeAll());

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) (stdout|stderr) ([FP]) (.*)$/;

function entries(path: string): { stream: string; tag: string; text: string; time: string }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = LINE.exec(line);
      if (!m) throw new Error(`not a CRI log line: ${JSON.stringify(line)}`);
      return { time: m[1], stream: m[2], tag: m[3], text: m[4] };
    });
}

async function written(chunks: [('stdout' | 'stderr'), string][], options = {}): Promise<ReturnType<typeof entries>> {
  const path = join(temp.make(), 'c', '0.log');
  const writer = new CriLogWriter(path, options);
  await writer.open();
  for (const [stream, text] of chunks) writer.write(stream, Buffer.from(text));
  await writer.close();
  return entries(path);
}

describe('CriLogWriter', () => {
  it.each([
    ['one complete line', [['stdout', 'hello\n']], [['stdout', 'F', 'hello']]],
    ['a line split across chunks', [['stdout', 'hel'], ['stdout', 'lo\nwor'], ['stdout', 'ld\n']], [['stdout', 'F', 'hello'], ['stdout', 'F', 'world']]],
    ['interleaved streams kept apart', [['stdout', 'a'], ['stderr', 'err\n'], ['stdout', 'b\n']], [['stderr', 'F', 'err'], ['stdout', 'F', 'ab']]],
    ['output ending without a newline', [['stdout', 'tail']], [['stdout', 'F', 'tail']]],
    ['an empty line', [['stderr', '\n']], [['stderr', 'F', '']]],
  ] as const)('writes %s in CRI format', async (_name, chunks, expected) => {
    const got = await written(chunks as unknown as [('stdout' | 'stderr'), string][]);
    expect(got.map((e) => [e.stream, e.tag, e.text])).toEqual(expected);
  });

  it('writes a pending partial line with tag P when closed before its stream ended', async () => {
    const path = join(temp.make(), '0.log');
    const writer = new CriLogWriter(path);
    await writer.open();
    writer.write('stdout', Buffer.from('whole\nhal'));
    await writer.close(false);
    const again = new CriLogWriter(path);
    await again.open();
    again.write('stdout', Buffer.from('f\n'));
    await again.close();
    expect(entries(path).map((e) => [e.tag, e.text])).toEqual([['F', 'whole'], ['P', 'hal'], ['F', 'f']]);
  });

  it('splits a line longer than the limit into P pieces ending with F', async () => {
    const got = await written([['stdout', `${'x'.repeat(25)}\n`]], { maxLineBytes: 10 });
    expect(got.map((e) => [e.tag, e.text])).toEqual([['P', 'x'.repeat(10)], ['P', 'x'.repeat(10)], ['F', 'x'.repeat(5)]]);
  });

  it('writes timestamps that never go backwards', async () => {
    const got = await written(Array.from({ length: 50 }, (_, i) => ['stdout', `${i}\n`] as ['stdout', string]));
    const times = got.map((e) => e.time);
    expect([...times].sort()).toEqual(times.slice().sort());
    expect(new Set(times).size).toBe(50);
  });

  it('rotates past the size limit and keeps only maxFiles - 1 rotated files', async () => {
    const dir = temp.make();
    const path = join(dir, '0.log');
    const writer = new CriLogWriter(path, { maxBytes: 200, maxFiles: 3 });
    await writer.open();
    for (let i = 0; i < 40; i++) {
      writer.write('stdout', Buffer.from(`line number ${i}\n`));
      await new Promise((r) => setImmediate(r));
    }
    await writer.close();
    const files = readdirSync(dir).sort();
    expect(files.length).toBeLessThanOrEqual(3);
    expect(files).toContain('0.log');
    expect(files.filter((f) => f.startsWith('0.log.')).length).toBeGreaterThan(0);
    const all = files.flatMap((f) => entries(join(dir, f)).map((e) => e.text));
    expect(all).toContain('line number 39');
  });

  it('prunes the oldest rotated files, ordering same-second files by their number (.10 is newer than .2)', async () => {
    const dir = temp.make();
    const path = join(dir, '0.log');
    for (const old of ['0.log.20200101-000000.2', '0.log.20200101-000000.10']) writeFileSync(join(dir, old), 'old\n');
    const writer = new CriLogWriter(path, { maxBytes: 100, maxFiles: 3 });
    await writer.open();
    writer.write('stdout', Buffer.from(`${'x'.repeat(120)}\n`)); // one line over the limit: one rotation
    await writer.close();
    const rotated = readdirSync(dir).filter((f) => f.startsWith('0.log.'));
    expect(rotated).toHaveLength(2);
    expect(rotated).toContain('0.log.20200101-000000.10');
    expect(rotated).not.toContain('0.log.20200101-000000.2');
  });

  it('keeps the newest output when many rotations fall in one second and earlier files of that second were pruned', async () => {
    const dir = temp.make();
    const path = join(dir, '0.log');
    const second = new Date('2026-11-22T10:00:00Z');
    const writer = new CriLogWriter(path, { maxBytes: 10, maxFiles: 3, now: () => second });
    await writer.open();
    for (let i = 0; i < 8; i++) {
      writer.write('stdout', Buffer.from(`rotation ${i}\n`)); // each line is over the limit: one rotation per line
      await writer.close(false); // waits for that rotation, then reopens below
      await writer.open();
    }
    await writer.close();
    const rotated = readdirSync(dir).filter((f) => f.startsWith('0.log.')).sort();
    expect(rotated).toEqual(['0.log.20261122-100000.6', '0.log.20261122-100000.7']);
    expect(entries(join(dir, '0.log.20261122-100000.7')).map((e) => e.text)).toEqual(['rotation 7']);
  });

  it('continues in a fresh file after reopen when the kubelet moved the old one away', async () => {
    const dir = temp.make();
    const path = join(dir, '0.log');
    const writer = new CriLogWriter(path);
    await writer.open();
    writer.write('stdout', Buffer.from('before\n'));
    await new Promise((r) => setTimeout(r, 20));
    renameSync(path, `${path}.rotated`);
    await writer.reopen();
    writer.write('stdout', Buffer.from('after\n'));
    await writer.close();
    expect(entries(`${path}.rotated`).map((e) => e.text)).toEqual(['before']);
    expect(entries(path).map((e) => e.text)).toEqual(['after']);
  });
});
