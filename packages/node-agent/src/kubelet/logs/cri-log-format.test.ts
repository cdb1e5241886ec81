import { describe, expect, it } from 'vitest';
import { formatLine, parseCriLog } from './cri-log-format.js';

describe('parseCriLog', () => {
  it('joins partial records into one line, timestamped by its first part', () => {
    const text = '2024-05-01T10:00:00.000000001Z stdout P hello,\n2024-05-01T10:00:00.000000002Z stdout F  world\n2024-05-01T10:00:01Z stderr F oops\n';
    const { lines, consumedBytes, pending } = parseCriLog(text);
    expect(lines.map((l) => [l.time, l.stream, l.text])).toEqual([
      ['2024-05-01T10:00:00.000000001Z', 'stdout', 'hello, world'],
      ['2024-05-01T10:00:01Z', 'stderr', 'oops'],
    ]);
    expect(consumedBytes).toBe(Buffer.byteLength(text));
    expect(pending).toBeUndefined();
  });

  it('leaves a torn last record for later and keeps an open partial line pending', () => {
    const { lines, consumedBytes, pending } = parseCriLog('2024-05-01T10:00:00Z stdout P abc\n2024-05-01T10:00:00Z std');
    expect(lines).toEqual([]);
    expect(consumedBytes).toBe('2024-05-01T10:00:00Z stdout P abc\n'.length);
    expect(pending?.text).toBe('abc');
    const more = parseCriLog('2024-05-01T10:00:01Z stdout F def\n', pending);
    expect(more.lines.map((l) => l.text)).toEqual(['abcdef']);
  });

  it.each([
    [false, 'hi\n'],
    [true, '2024-05-01T10:00:00.5Z hi\n'],
  ])('formats a line with timestamps=%s', (timestamps, want) => {
    expect(formatLine({ time: '2024-05-01T10:00:00.5Z', timeMs: 0, stream: 'stdout', text: 'hi', complete: true }, timestamps)).toBe(want);
  });
});
