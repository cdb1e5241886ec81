import { describe, expect, it } from 'vitest';
import { HttpProtocolError, ResponseParser } from './http-response-parser.js';

interface Parsed {
  status: number;
  keepAlive: boolean;
  keepAliveTimeoutMs?: number;
  text: string;
}

/** Feeds `raw` in pieces of `step` bytes (every split point when step is 1); `ended` closes the connection after. */
function parse(raw: string | Buffer, { step = Infinity, method = 'GET', ended = false } = {}): Parsed | 'incomplete' {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const p = new ResponseParser();
  p.reset(method);
  let done = false;
  for (let i = 0; i < bytes.length; i += step) {
    expect(done).toBe(false);
    done = p.feed(bytes.subarray(i, Math.min(bytes.length, i + step)));
  }
  if (!done && ended) done = p.end();
  if (!done) return 'incomplete';
  return { ...p.head!, text: p.bodyText() };
}

const json = '{"kind":"Pod","metadata":{"name":"ünïcode-✓"}}';

describe('ResponseParser', () => {
  it('reads a Content-Length body however the bytes are split', () => {
    const raw = `HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nKeep-Alive: timeout=72\r\n\r\n${json}`;
    const want = { status: 201, keepAlive: true, keepAliveTimeoutMs: 72_000, text: json };
    expect(parse(raw)).toEqual(want);
    expect(parse(raw, { step: 1 })).toEqual(want);
    expect(parse(raw, { step: 7 })).toEqual(want);
  });

  it('decodes the chunked transfer coding, with extensions and trailers', () => {
    const body = Buffer.from(json);
    const raw = Buffer.concat([
      Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'),
      Buffer.from('a;ext=1\r\n'),
      body.subarray(0, 10),
      Buffer.from(`\r\n${(body.length - 10).toString(16).toUpperCase()}\r\n`),
      body.subarray(10),
      Buffer.from('\r\n0\r\nX-Trailer: yes\r\n\r\n'),
    ]);
    const want = { status: 200, keepAlive: true, text: json };
    expect(parse(raw)).toEqual(want);
    expect(parse(raw, { step: 1 })).toEqual(want);
  });

  it('reads a body delimited by the connection closing, which ends keep-alive', () => {
    const raw = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end`;
    expect(parse(raw)).toBe('incomplete');
    expect(parse(raw, { ended: true })).toEqual({ status: 200, keepAlive: false, text: 'until the end' });
  });

  it('expects no body after 204, 304 or a HEAD request', () => {
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n')).toEqual({ status: 204, keepAlive: true, text: '' });
    expect(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n')).toEqual({ status: 304, keepAlive: true, text: '' });
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', { method: 'HEAD' })).toEqual({ status: 200, keepAlive: true, text: '' });
  });

  it('skips interim 1xx responses', () => {
    expect(parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', { step: 3 })).toEqual({ status: 200, keepAlive: true, text: 'ok' });
  });

  it('follows Connection and the HTTP version for keep-alive', () => {
    expect(parse('HTTP/1.1 200 OK\r\nconnection: Close\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ keepAlive: false });
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ keepAlive: false });
    expect(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ keepAlive: true });
  });

  it('refuses what is not a well-formed response', () => {
    const bad = [
      'SSH-2.0-OpenSSH\r\n\r\n',
      'HTTP/1.1 2x0 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok and more',
      'HTTP/1.1 101 Switching Protocols\r\n\r\n',
    ];
    for (const raw of bad) expect(() => parse(raw), raw).toThrow(HttpProtocolError);
  });

  it('starts afresh for the next response on the connection', () => {
    const p = new ResponseParser();
    p.reset('GET');
    expect(p.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na'))).toBe(true);
    expect(p.bodyText()).toBe('a');
    p.reset('GET');
    expect(p.feed(Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nb'))).toBe(true);
    expect(p.head?.status).toBe(404);
    expect(p.bodyText()).toBe('b');
  });
});
