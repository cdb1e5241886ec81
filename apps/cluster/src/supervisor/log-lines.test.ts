import { describe, expect, it } from 'vitest';
import { LineSplitter, parseLogLine } from './log-lines.js';

describe('parseLogLine', () => {
  it('turns a pino line into level, message, error and the fields that matter', () => {
    const line = JSON.stringify({ level: 40, time: 1, pid: 2, hostname: 'h', name: 'x', msg: 'slow disk', err: { message: 'EIO' }, node: 'n1' });
    expect(parseLogLine(line)).toEqual({ level: 'warn', text: 'warn: slow disk (EIO)  node=n1', structured: true });
  });

  it('keeps plain text as it is', () => {
    expect(parseLogLine('skiff-store ready: serving')).toEqual({ level: 'info', text: 'skiff-store ready: serving', structured: false });
    expect(parseLogLine('{not json')).toMatchObject({ structured: false, text: '{not json' });
    expect(parseLogLine('   ')).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  it('holds a partial line until its end arrives', () => {
    const s = new LineSplitter();
    expect(s.push('one\ntw')).toEqual(['one']);
    expect(s.push('o\nthree')).toEqual(['two']);
    expect(s.flush()).toEqual(['three']);
    expect(s.flush()).toEqual([]);
  });
});
