/**
 * An incremental HTTP/1.1 response parser for one keep-alive connection: feed it the bytes as they arrive and it
 * says when the response is complete. Bodies are delimited the three ways RFC 9112 section 6.3 allows:
 * Content-Length, the chunked transfer coding, or the connection closing. Interim (1xx) responses are skipped.
 *
 * Only what the transport acts on is kept from the head: the status, the body framing and whether the connection
 * may carry another request (Connection, Keep-Alive: timeout=N). Requests are never pipelined, so bytes after the
 * end of a response are a protocol error.
 */

export class HttpProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpProtocolError';
  }
}

export interface ResponseHead {
  status: number;
  /** The connection may carry another request after this response. */
  keepAlive: boolean;
  /** The server's Keep-Alive timeout hint in ms, if it gave one. */
  keepAliveTimeoutMs?: number;
}

// Parser states. Plain numbers: a switch over small integers is what this loop runs per chunk.
const HEAD = 0;
const FIXED = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_END = 4;
const TRAILERS = 5;
const UNTIL_CLOSE = 6;
const DONE = 7;

const CR = 0x0d;
const LF = 0x0a;
/** A head (or a chunk-size or trailer line) longer than this is not a sane server talking. */
const MAX_LINE_BYTES = 64 * 1024;

export class ResponseParser {
  private state = DONE;
  private noBody = false;
  /** Bytes of an incomplete head or line, kept until the rest arrives. */
  private pending: Buffer | undefined;
  private parts: Buffer[] = [];
  /** FIXED: body bytes still to come; CHUNK_DATA: bytes of this chunk; CHUNK_END: bytes of its CRLF. */
  private remaining = 0;
  head: ResponseHead | undefined;

  /** Prepares for the response to a request sent with `method` (a HEAD request's response has no body). */
  reset(method: string): void {
    this.state = HEAD;
    this.noBody = method === 'HEAD';
    this.pending = undefined;
    this.parts = [];
    this.remaining = 0;
    this.head = undefined;
  }

  /** Consumes `chunk`; true once the response is complete. Throws HttpProtocolError on malformed input. */
  feed(chunk: Buffer): boolean {
    let data = chunk;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let pos = 0;
    const len = data.length;
    while (pos < len) {
      switch (this.state) {
        case HEAD: {
          const end = data.indexOf('\r\n\r\n', pos, 'latin1');
          if (end < 0) return this.keep(data, pos);
          this.parseHead(data.toString('latin1', pos, end));
          pos = end + 4;
          break;
        }
        case FIXED:
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, len - pos);
          this.parts.push(pos === 0 && n === len ? data : data.subarray(pos, pos + n));
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            if (this.state === FIXED) this.state = DONE;
            else {
              this.state = CHUNK_END;
              this.remaining = 2;
            }
          }
          break;
        }
        case CHUNK_END: {
          const expected = this.remaining === 2 ? CR : LF;
          if (data[pos] !== expected) throw new HttpProtocolError('a chunk does not end in CRLF');
          pos++;
          if (--this.remaining === 0) this.state = CHUNK_SIZE;
          break;
        }
        case CHUNK_SIZE: {
          const eol = data.indexOf('\r\n', pos, 'latin1');
          if (eol < 0) return this.keep(data, pos);
          const line = data.toString('latin1', pos, eol);
          const semi = line.indexOf(';');
          const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
          const size = /^[0-9a-fA-F]{1,8}$/.test(hex) ? parseInt(hex, 16) : NaN;
          if (Number.isNaN(size)) throw new HttpProtocolError(`bad chunk size "${line.slice(0, 40)}"`);
          pos = eol + 2;
          if (size === 0) this.state = TRAILERS;
          else {
            this.state = CHUNK_DATA;
            this.remaining = size;
          }
          break;
        }
        case TRAILERS: {
          const eol = data.indexOf('\r\n', pos, 'latin1');
          if (eol < 0) return this.keep(data, pos);
          // Trailer fields carry nothing the transport uses; the empty line ends the message.
          if (eol === pos) this.state = DONE;
          pos = eol + 2;
          break;
        }
        case UNTIL_CLOSE:
          this.parts.push(pos === 0 ? data : data.subarray(pos));
          pos = len;
          break;
        default:
          throw new HttpProtocolError('bytes after the end of the response');
      }
    }
    return this.state === DONE;
  }

  /** The connection ended: true if that completes the response (a body delimited by the close). */
  end(): boolean {
    if (this.state === UNTIL_CLOSE) this.state = DONE;
    return this.state === DONE;
  }

  get complete(): boolean {
    return this.state === DONE;
  }

  /** The body as text; call once the response is complete. */
  bodyText(): string {
    const parts = this.parts;
    this.parts = [];
    if (parts.length === 0) return '';
    return (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString('utf8');
  }

  private keep(data: Buffer, pos: number): false {
    if (data.length - pos > MAX_LINE_BYTES) throw new HttpProtocolError('response head or chunk line too long');
    this.pending = pos === 0 ? data : data.subarray(pos);
    return false;
  }

  private parseHead(text: string): void {
    // Status line: "HTTP/1.1 200 OK".
    if (!text.startsWith('HTTP/1.') || text.charCodeAt(8) !== 0x20) throw new HttpProtocolError(`not an HTTP/1.x response: "${text.slice(0, 40)}"`);
    const status = Number(text.slice(9, 12));
    if (!Number.isInteger(status) || status < 100 || status > 999) throw new HttpProtocolError(`bad status line "${text.slice(0, 40)}"`);
    const http10 = text.charCodeAt(7) === 0x30;
    let contentLength = -1;
    let chunked = false;
    let close = false;
    let keepAliveToken = false;
    let keepAliveTimeoutMs: number | undefined;
    for (let i = text.indexOf('\r\n'); i >= 0; ) {
      const start = i + 2;
      const next = text.indexOf('\r\n', start);
      const end = next < 0 ? text.length : next;
      i = next;
      // Only four fields matter, starting with c, t or k: skip the rest without lower-casing them.
      const first = text.charCodeAt(start) | 0x20;
      if (first !== 0x63 && first !== 0x74 && first !== 0x6b) continue;
      const colon = text.indexOf(':', start);
      if (colon < 0 || colon > end) continue;
      const name = text.slice(start, colon).trim().toLowerCase();
      if (name === 'content-length') {
        const v = text.slice(colon + 1, end).trim();
        if (!/^\d+$/.test(v)) throw new HttpProtocolError(`bad Content-Length "${v.slice(0, 40)}"`);
        contentLength = Number(v);
      } else if (name === 'transfer-encoding') {
        chunked = /(^|,)\s*chunked\s*$/i.test(text.slice(colon + 1, end));
      } else if (name === 'connection') {
        const v = text.slice(colon + 1, end).toLowerCase();
        if (/(^|,)\s*close\s*(,|$)/.test(v)) close = true;
        if (/(^|,)\s*keep-alive\s*(,|$)/.test(v)) keepAliveToken = true;
      } else if (name === 'keep-alive') {
        const m = /timeout\s*=\s*(\d+)/i.exec(text.slice(colon + 1, end));
        if (m) keepAliveTimeoutMs = Number(m[1]) * 1000;
      }
    }
    if (status < 200) {
      // 100 Continue and friends: the real response follows. (We never ask to switch protocols.)
      if (status === 101) throw new HttpProtocolError('unexpected 101 Switching Protocols');
      return;
    }
    let untilClose = false;
    if (this.noBody || status === 204 || status === 304) this.state = DONE;
    else if (chunked) this.state = CHUNK_SIZE;
    else if (contentLength >= 0) {
      this.remaining = contentLength;
      this.state = contentLength === 0 ? DONE : FIXED;
    } else {
      this.state = UNTIL_CLOSE;
      untilClose = true;
    }
    const keepAlive = !close && !untilClose && (!http10 || keepAliveToken);
    this.head = keepAliveTimeoutMs === undefined ? { status, keepAlive } : { status, keepAlive, keepAliveTimeoutMs };
  }
}
