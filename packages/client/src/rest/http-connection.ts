/**
 * One keep-alive HTTP/1.1 connection (TCP or TLS) carrying one request at a time.
 *
 * Why not node:http for this: its ClientRequest / IncomingMessage / Agent machinery (streams, events, header
 * objects per request) measured about 300 us of CPU per request on top of the socket I/O, which made it most of a
 * controller's CPU when it creates thousands of pods. Here a request is one socket write and its response is
 * parsed straight off the socket's chunks (http-response-parser.ts).
 *
 * The pool learns of a connection's fate through two callbacks: `onIdle` when it has answered a request and may
 * carry another, `onGone` (exactly once) when its socket has closed.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ClientError } from '../errors.js';
import type { ExchangeCarrier, HttpExchange } from './http-exchange.js';
import { ResponseParser } from './http-response-parser.js';

export interface ConnectOptions {
  host: string;
  port: number;
  /** Present for https: the TLS settings. */
  tls?: tls.ConnectionOptions;
}

export interface ConnectionEvents {
  onIdle(c: HttpConnection): void;
  onGone(c: HttpConnection): void;
}

/** How long before the server's Keep-Alive timeout an idle connection stops being reused (node's agent: 1 s). */
const KEEP_ALIVE_MARGIN_MS = 1000;
/** TCP keep-alive probe delay on every connection, as node's keep-alive agent sets it. */
const TCP_KEEP_ALIVE_MS = 1000;

export class HttpConnection implements ExchangeCarrier {
  private readonly socket: net.Socket;
  private readonly parser = new ResponseParser();
  private current: HttpExchange | undefined;
  private closed = false;
  private parked = false;
  private idleSince = 0;
  private reuseForMs = Infinity;
  /** One timer for the deadlines of every request this connection carries (see http-exchange.ts). */
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly onTimer = () => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const ex = this.current;
    if (ex && !ex.expire(performance.now())) this.armTimer(ex.deadline);
  };

  constructor(
    o: ConnectOptions,
    private readonly events: ConnectionEvents,
  ) {
    this.socket = o.tls ? tls.connect({ ...o.tls, host: o.host, port: o.port }) : net.connect({ host: o.host, port: o.port });
    this.socket.setNoDelay(true);
    this.socket.setKeepAlive(true, TCP_KEEP_ALIVE_MS);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('error', (e: Error) => this.failCurrent(e.message, e));
    this.socket.on('close', () => this.onClose());
  }

  /** Parked idle and still worth reusing: open, and not past the server's Keep-Alive timeout. */
  reusable(now: number): boolean {
    return !this.closed && now - this.idleSince < this.reuseForMs;
  }

  /** Sends `ex` on this connection, which must be idle. */
  start(ex: HttpExchange): void {
    if (this.parked) {
      this.parked = false;
      this.socket.ref();
    }
    this.current = ex;
    ex.carrier = this;
    this.armTimer(ex.deadline);
    this.parser.reset(ex.method);
    const p = ex.payload;
    if (typeof p === 'string') this.socket.write(p);
    else {
      this.socket.cork();
      this.socket.write(p[0]);
      this.socket.write(p[1]);
      this.socket.uncork();
    }
  }

  /** Parks the idle connection: it no longer keeps the process alive (as node's agent does with free sockets). */
  park(): void {
    this.parked = true;
    this.socket.unref();
  }

  /** The request in flight was given up: the connection is in an unknown state, so close it. */
  abandon(): void {
    this.current = undefined;
    this.destroy();
  }

  destroy(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.socket.destroy();
  }

  /**
   * Makes sure the timer fires by `deadline`. A timer armed for an earlier request that fires sooner stays: it
   * then finds the current request not yet due and re-arms for it. Unref'd: the socket keeps the process alive.
   */
  private armTimer(deadline: number): void {
    if (deadline >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(this.onTimer, Math.max(0, deadline - performance.now()));
    this.timer.unref();
  }

  private onData(chunk: Buffer): void {
    const ex = this.current;
    if (!ex) {
      // Nothing was asked: a server talking out of turn cannot be trusted with the next request.
      this.destroy();
      return;
    }
    let complete: boolean;
    try {
      complete = this.parser.feed(chunk);
    } catch (e) {
      this.failCurrent(`bad response: ${(e as Error).message}`, e);
      this.destroy();
      return;
    }
    if (this.parser.head) ex.answered();
    if (complete) this.finish(ex);
  }

  private finish(ex: HttpExchange): void {
    const head = this.parser.head!;
    this.current = undefined;
    const response = { status: head.status, text: this.parser.bodyText() };
    if (head.keepAlive && !this.closed) {
      this.idleSince = performance.now();
      this.reuseForMs = head.keepAliveTimeoutMs === undefined ? Infinity : head.keepAliveTimeoutMs - KEEP_ALIVE_MARGIN_MS;
      ex.succeed(response);
      this.events.onIdle(this);
    } else {
      this.destroy();
      ex.succeed(response);
    }
  }

  private onEnd(): void {
    const ex = this.current;
    if (ex && this.parser.end()) this.finish(ex);
    this.closed = true;
  }

  private failCurrent(message: string, cause?: unknown): void {
    const ex = this.current;
    if (!ex) return;
    this.current = undefined;
    ex.fail(new ClientError('Transport', `${ex.method} ${ex.path}: ${message}`, cause === undefined ? undefined : { cause }));
  }

  private onClose(): void {
    this.closed = true;
    if (this.current) this.failCurrent(this.parser.head ? 'the server closed the connection mid-response' : 'socket hang up');
    this.events.onGone(this);
  }
}
