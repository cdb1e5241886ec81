import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { flushWatchWrites, frameChunk, WatchWriter } from './watch-writer.js';

/** A response whose socket records what is written to it and reports `buffered` as unsent. */
function fakeResponse(buffered = 0) {
  const socket = {
    destroyed: false,
    writes: [] as Buffer[],
    writableLength: buffered,
    write(b: Buffer) {
      this.writes.push(b);
      return true;
    },
  };
  const res = {
    headersSent: true,
    chunkedEncoding: true,
    socket,
    writableEnded: false,
    writableLength: 0,
    ended: 0,
    end() {
      this.writableEnded = true;
      this.ended++;
    },
    write() {
      throw new Error('lines must go to the socket');
    },
  };
  return { res, socket, response: res as unknown as ServerResponse };
}

const line = (s: string) => Buffer.from(`${s}\n`);

describe('a watch writer', () => {
  it('frames lines as one HTTP chunk: hex length, CRLF, bytes, CRLF', () => {
    expect(frameChunk([line('a'), line('bcd')]).toString()).toBe('6\r\na\nbcd\n\r\n');
    expect(frameChunk([Buffer.alloc(300, 'x')]).subarray(0, 5).toString()).toBe('12c\r\n');
  });

  it('writes the lines queued in one turn as a single chunk', () => {
    const { socket, response } = fakeResponse();
    const w = new WatchWriter(response, { maxBufferedBytes: 1 << 20, onTooSlow: () => {} });
    w.push(line('one'));
    w.push(line('two'));
    expect(socket.writes).toHaveLength(0);
    flushWatchWrites();
    expect(socket.writes.map((b) => b.toString())).toEqual(['8\r\none\ntwo\n\r\n']);
  });

  it('shares one chunk between watchers sent the same lines, and builds another for different ones', () => {
    const a = fakeResponse();
    const b = fakeResponse();
    const c = fakeResponse();
    const [l1, l2, l3] = [line('1'), line('2'), line('3')];
    const opts = { maxBufferedBytes: 1 << 20, onTooSlow: () => {} };
    const wa = new WatchWriter(a.response, opts);
    const wb = new WatchWriter(b.response, opts);
    const wc = new WatchWriter(c.response, opts);
    for (const w of [wa, wb]) {
      w.push(l1);
      w.push(l2);
    }
    wc.push(l1);
    wc.push(l3);
    flushWatchWrites();
    expect(a.socket.writes[0]).toBe(b.socket.writes[0]);
    expect(c.socket.writes[0]).not.toBe(a.socket.writes[0]);
    expect(c.socket.writes[0]!.toString()).toBe('4\r\n1\n3\n\r\n');
  });

  it('drops a watcher whose connection holds more than its limit unsent, and sends it nothing more', () => {
    const { res, socket, response } = fakeResponse();
    const slow: number[] = [];
    const w = new WatchWriter(response, { maxBufferedBytes: 1000, onTooSlow: (n) => slow.push(n) });
    w.push(line('first'));
    flushWatchWrites();
    socket.writableLength = 5000;
    w.push(line('second'));
    flushWatchWrites();
    expect(slow).toEqual([5000]);
    expect(w.open).toBe(false);
    w.push(line('third'));
    flushWatchWrites();
    expect(socket.writes).toHaveLength(2);
    w.abandon();
    expect(res.ended).toBe(1);
  });

  it('counts what its first flush left buffered (the initial state) as allowed', () => {
    const { socket, response } = fakeResponse(4000);
    const slow: number[] = [];
    const w = new WatchWriter(response, { maxBufferedBytes: 1000, onTooSlow: (n) => slow.push(n) });
    w.push(line('initial state'));
    flushWatchWrites();
    socket.writableLength = 4500;
    w.push(line('change'));
    flushWatchWrites();
    expect(slow).toEqual([]);
    socket.writableLength = 5500;
    w.push(line('change'));
    flushWatchWrites();
    expect(slow).toEqual([5500]);
  });

  it('flushes what is queued before ending the response', () => {
    const { res, socket, response } = fakeResponse();
    const w = new WatchWriter(response, { maxBufferedBytes: 1 << 20, onTooSlow: () => {} });
    w.push(line('{"type":"ERROR"}'));
    w.end();
    expect(socket.writes.map((b) => b.toString())).toEqual(['11\r\n{"type":"ERROR"}\n\r\n']);
    expect(res.ended).toBe(1);
  });
});
