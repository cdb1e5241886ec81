import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { chooseBackend } from './choose-backend.js';

function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('chooseBackend', () => {
  it.each([
    ['runc', 'runc'],
    ['process', 'process'],
  ] as const)('keeps an explicit %s choice', (requested, expected) => {
    expect(chooseBackend(requested, '/nonexistent/runc', capture().logger)).toBe(expected);
  });

  it('falls back to the process backend with a warning that names the reason and the lack of isolation', () => {
    const { logger, lines } = capture();
    expect(chooseBackend('auto', '/nonexistent/runc', logger)).toBe('process');
    const warning = JSON.parse(lines.join(''));
    expect(warning.level).toBe(40);
    expect(warning.msg).toMatch(/NO isolation/);
    expect(warning.reasons.join(' ')).toMatch(process.getuid?.() === 0 ? /runc/ : /root/);
  });

  it('picks runc when it runs and we are root', () => {
    if (process.getuid?.() !== 0) return;
    expect(chooseBackend('auto', 'runc', capture().logger)).toBe('runc');
  });
});
