/**
 * HTTP to the API server: one keep-alive agent per client, a token bucket in front of every request (watches
 * included, as client-go counts them), JSON in and out, and every error answer turned into an ApiError.
 */
import http from 'node:http';
import https from 'node:https';
import { ApiError, ClientError, statusFromBody } from '../errors.js';
import { realClock, type Clock } from '../clock.js';
import { TokenBucket } from '../rate-limit/token-bucket.js';

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

export class Transport {
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;
  private readonly base: URL;
  private readonly headers: Record<string, string>;
  readonly limiter: TokenBucket;
  private readonly timeoutMs: number;
  private closed = false;
  private readonly clock: Clock;

  constructor(opts: TransportOptions) {
    this.base = new URL(opts.server);
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
    this.clock = opts.clock ?? realClock;
    this.limiter = new TokenBucket(opts.qps ?? DEFAULT_QPS, opts.burst ?? DEFAULT_BURST, this.clock);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  private url(path: string, query: RequestOptions['query']): string {
    const prefix = this.base.pathname.replace(/\/$/, '');
    return `${prefix}${path}${queryString(query)}`;
  }

  /** Sends a request and waits for the whole answer; 4xx/5xx become ApiError. */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<Response<T>> {
    const res = await this.open(method, path, opts, opts.timeoutMs ?? this.timeoutMs);
    const text = await readBody(res, opts.signal);
    const status = res.statusCode ?? 0;
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
    const res = await this.open('GET', path, opts, 0);
    const status = res.statusCode ?? 0;
    if (status >= 300) throw errorFrom(status, await readBody(res, opts.signal));
    return res;
  }

  private async open(method: string, path: string, opts: RequestOptions, timeoutMs: number): Promise<http.IncomingMessage> {
    if (this.closed) throw new ClientError('Closed', 'the client has been closed');
    const wait = this.limiter.reserve();
    if (wait > 0) await new Promise<void>((resolve) => this.clock.setTimer(resolve, wait));
    if (opts.signal?.aborted) throw new ClientError('Closed', `${method} ${path}: aborted`);
    const headers: Record<string, string | number> = { ...this.headers };
    let data: Buffer | undefined;
    if (opts.body !== undefined) {
      data = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = data.length;
    }
    return new Promise((resolve, reject) => {
      const req = this.mod.request(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          method,
          path: this.url(path, opts.query),
          headers,
          agent: this.agent,
          signal: opts.signal,
        },
        (res) => {
          if (timer) clearTimeout(timer);
          resolve(res);
        },
      );
      let timer: NodeJS.Timeout | undefined;
      if (timeoutMs > 0) {
        timer = setTimeout(() => req.destroy(new ClientError('Timeout', `${method} ${path}: no answer within ${timeoutMs} ms`)), timeoutMs);
      }
      req.on('error', (e) => {
        if (timer) clearTimeout(timer);
        if (e instanceof ClientError) reject(e);
        else if (e.name === 'AbortError') reject(new ClientError('Closed', `${method} ${path}: aborted`, { cause: e }));
        else reject(new ClientError('Transport', `${method} ${path}: ${e.message}`, { cause: e }));
      });
      req.end(data);
    });
  }

  close(): void {
    this.closed = true;
    this.agent.destroy();
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
