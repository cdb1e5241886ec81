/**
 * HTTP to the API server: keep-alive connections per client, a token bucket in front of every request (watches
 * included, as client-go counts them), JSON in and out, and every error answer turned into an ApiError.
 *
 * Ordinary requests go through our own HTTP/1.1 connection pool (http-pool.ts), which costs a fraction of
 * node:http's CPU per request; watches, long-lived streams read as a Node stream, keep a node:http agent. The two
 * have separate socket limits, so open watches never hold back requests.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { ApiError, ClientError, statusFromBody } from '../errors.js';
import { realClock, type Clock } from '../clock.js';
import { TokenBucket } from '../rate-limit/token-bucket.js';
import { HttpExchange } from './http-exchange.js';
import { HttpPool } from './http-pool.js';

export interface TransportOptions {
  /** `https://host:port` or `http://host:port`, optionally with a path prefix. */
  server: string;
  /** Bearer token. */
  token?: string;
  /** PEM CA bundle to trust for https. */
  ca?: string | Buffer;
  /** PEM client certificate and key, for clusters that authenticate by certificate. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Accept any server certificate (kubeconfig's insecure-skip-tls-verify). */
  insecureSkipTLSVerify?: boolean;
  /** Requests per second this client may send; 0 or Infinity for no limit. Default 50. */
  qps?: number;
  /** Requests that may go at once after a quiet spell. Default 100. */
  burst?: number;
  userAgent?: string;
  /** Per-request timeout (not for watches). Default 30 s. */
  timeoutMs?: number;
  /** Open connections at most. Default 64. */
  maxSockets?: number;
  /** Time for the QPS limiter; tests pass a ManualClock. */
  clock?: Clock;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Response<T = unknown> {
  status: number;
  body: T;
}

export const DEFAULT_QPS = 50;
export const DEFAULT_BURST = 100;

function queryString(q: RequestOptions['query']): string {
  if (!q) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Methods that carry a body by definition: sent with Content-Length: 0 when there is none, as node:http does. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** What may appear on a request line unescaped (visible ASCII); anything else must be percent-encoded first. */
const UNSAFE_PATH = /[^\x21-\x7e]/;

export class Transport {
  /** For watches only (see the file comment). */
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;
  private readonly base: URL;
  private readonly prefix: string;
  private readonly headers: Record<string, string>;
  /** The header lines every request carries (Host, Accept, User-Agent, Authorization), ready to send. */
  private readonly fixedHead: string;
  private readonly pool: HttpPool;
  readonly limiter: TokenBucket;
  private readonly timeoutMs: number;
  private closed = false;
  private readonly clock: Clock;

  constructor(opts: TransportOptions) {
    this.base = new URL(opts.server);
    this.prefix = this.base.pathname.replace(/\/$/, '');
    const tls = this.base.protocol === 'https:';
    this.mod = tls ? https : http;
    // Idle sockets are kept up to the limit: a controller's bursts (hundreds of creates) would otherwise reconnect.
    const maxSockets = opts.maxSockets ?? 64;
    const agentOpts = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
    this.agent = tls
      ? new https.Agent({ ...agentOpts, ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: !opts.insecureSkipTLSVerify })
      : new http.Agent(agentOpts);
    this.headers = { accept: 'application/json', 'user-agent': opts.userAgent ?? 'skiff-client/0.1' };
    if (opts.token) this.headers.authorization = `Bearer ${opts.token}`;
    let fixed = `Host: ${this.base.host}\r\nConnection: keep-alive\r\n`;
    for (const [k, v] of Object.entries(this.headers)) {
      // A line break in a value would smuggle a header (or a request) in: node:http refuses it too.
      if (/[\r\n]/.test(v)) throw new ClientError('BadRequest', `the ${k} header contains a line break`);
      fixed += `${k}: ${v}\r\n`;
    }
    this.fixedHead = fixed;
    // URL keeps IPv6 literals bracketed ("[::1]"); sockets want them bare.
    const host = this.base.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(this.base.port) || (tls ? 443 : 80);
    this.pool = new HttpPool(
      {
        host,
        port,
        // SNI takes host names only (node's agent leaves it out for IP addresses too).
        tls: tls ? { ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: !opts.insecureSkipTLSVerify, servername: isIP(host) ? undefined : host } : undefined,
      },
      maxSockets,
    );
    this.clock = opts.clock ?? realClock;
    this.limiter = new TokenBucket(opts.qps ?? DEFAULT_QPS, opts.burst ?? DEFAULT_BURST, this.clock);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  private url(path: string, query: RequestOptions['query']): string {
    return `${this.prefix}${path}${queryString(query)}`;
  }

  /** Sends a request and waits for the whole answer; 4xx/5xx become ApiError. */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<Response<T>> {
    const admitted = this.admit(method, path, opts);
    if (admitted) await admitted;
    const target = this.url(path, opts.query);
    if (UNSAFE_PATH.test(target)) throw new ClientError('BadRequest', `${method} ${target}: the path has unescaped characters`);
    let head = `${method} ${target} HTTP/1.1\r\n${this.fixedHead}`;
    let payload: string | [string, Buffer];
    const body = opts.body;
    if (body === undefined) payload = BODY_METHODS.has(method) ? `${head}content-length: 0\r\n\r\n` : `${head}\r\n`;
    else {
      head += `content-type: ${opts.contentType ?? 'application/json'}\r\n`;
      if (Buffer.isBuffer(body)) payload = [`${head}content-length: ${body.length}\r\n\r\n`, body];
      else {
        // One string, one write: the JSON goes out in the same packet as the head.
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        payload = `${head}content-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
      }
    }
    const ex = new HttpExchange(method, path, payload, opts.timeoutMs ?? this.timeoutMs, opts.signal);
    this.pool.send(ex);
    const { status, text } = await ex.promise;
    if (status >= 400) throw errorFrom(status, text);
    if (text === '') return { status, body: undefined as T };
    try {
      return { status, body: JSON.parse(text) as T };
    } catch (e) {
      throw new ClientError('Decode', `${method} ${path}: the response is not JSON: ${text.slice(0, 200)}`, { cause: e });
    }
  }

  /**
   * Opens a streaming GET (a watch): resolves with the response once the headers arrive and the status is 200;
   * an error status is read whole and thrown as ApiError. The caller owns the stream and ends it with `signal`.
   */
  async stream(path: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    await this.admit('GET', path, opts);
    const res = await this.open('GET', path, opts);
    const status = res.statusCode ?? 0;
    if (status >= 300) throw errorFrom(status, await readBody(res, opts.signal));
    return res;
  }

  /**
   * Waits for the QPS limiter (a promise only when there is something to wait for: most requests find a token and
   * go on without a turn of the event loop); throws once closed or aborted.
   */
  private admit(method: string, path: string, opts: RequestOptions): Promise<void> | undefined {
    if (this.closed) throw new ClientError('Closed', 'the client has been closed');
    const aborted = () => {
      if (opts.signal?.aborted) throw new ClientError('Closed', `${method} ${path}: aborted`);
    };
    const wait = this.limiter.reserve();
    if (wait > 0) return new Promise<void>((resolve) => this.clock.setTimer(resolve, wait)).then(aborted);
    aborted();
    return undefined;
  }

  private open(method: string, path: string, opts: RequestOptions): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.mod.request(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          method,
          path: this.url(path, opts.query),
          headers: this.headers,
          agent: this.agent,
          signal: opts.signal,
        },
        resolve,
      );
      req.on('error', (e) => {
        if (e.name === 'AbortError') reject(new ClientError('Closed', `${method} ${path}: aborted`, { cause: e }));
        else reject(new ClientError('Transport', `${method} ${path}: ${e.message}`, { cause: e }));
      });
      req.end();
    });
  }

  close(): void {
    this.closed = true;
    this.agent.destroy();
    this.pool.close();
  }
}

function errorFrom(status: number, text: string): ApiError {
  try {
    const parsed = JSON.parse(text);
    if (parsed && parsed.kind === 'Status') return new ApiError(parsed, status);
  } catch {
    // not JSON: wrap the text as kubectl does
  }
  return new ApiError(statusFromBody(status, text), status);
}

function readBody(res: http.IncomingMessage, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', (e) => reject(new ClientError(signal?.aborted ? 'Closed' : 'Transport', `reading the response: ${e.message}`, { cause: e })));
    res.on('aborted', () => reject(new ClientError('Transport', 'the server closed the connection mid-response')));
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
