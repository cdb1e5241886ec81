/**
 * Keep-alive connections to one server, at most `maxSockets` open: a request takes the most recently used idle
 * connection (its socket is the likeliest to be alive and warm, as node's agent defaults to), else opens a new one
 * while under the limit, else waits its turn in FIFO order. A connection that answered goes straight to the next
 * waiting request; one that closed makes room for a new connection if requests are waiting.
 */
import { ClientError } from '../errors.js';
import { HttpConnection, type ConnectOptions } from './http-connection.js';
import type { HttpExchange } from './http-exchange.js';

export class HttpPool {
  private readonly idle: HttpConnection[] = [];
  private readonly all = new Set<HttpConnection>();
  /** Requests waiting for a connection; `head` is the next one (a queue without O(n) shifts). */
  private waiting: HttpExchange[] = [];
  private head = 0;
  /** Expires waiting requests whose deadline passes before a connection frees up (one timer for all). */
  private waitTimer: NodeJS.Timeout | undefined;
  private waitTimerAt = Infinity;
  private closed = false;
  private readonly events = {
    onIdle: (c: HttpConnection) => this.onIdle(c),
    onGone: (c: HttpConnection) => this.onGone(c),
  };

  constructor(
    private readonly target: ConnectOptions,
    private readonly maxSockets: number,
  ) {}

  /** Connections open now, idle or busy. */
  get openConnections(): number {
    return this.all.size;
  }

  /** Sends `ex` as soon as a connection is free; its promise settles with the answer. */
  send(ex: HttpExchange): void {
    if (this.closed) return ex.fail(new ClientError('Closed', 'the client has been closed'));
    const c = this.takeIdle();
    if (c) return c.start(ex);
    if (this.all.size < this.maxSockets) return this.connect().start(ex);
    this.waiting.push(ex);
    this.armWaitTimer(ex.deadline);
  }

  /** Closes every connection; requests in flight fail, waiting ones fail as Closed. */
  close(): void {
    this.closed = true;
    if (this.waitTimer) clearTimeout(this.waitTimer);
    for (let ex = this.nextWaiting(); ex; ex = this.nextWaiting()) ex.fail(new ClientError('Closed', 'the client has been closed'));
    for (const c of [...this.all]) c.destroy();
    this.idle.length = 0;
  }

  private connect(): HttpConnection {
    const c = new HttpConnection(this.target, this.events);
    this.all.add(c);
    return c;
  }

  private takeIdle(): HttpConnection | undefined {
    if (this.idle.length === 0) return undefined;
    const now = performance.now();
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (c.reusable(now)) return c;
      c.destroy();
    }
    return undefined;
  }

  private onIdle(c: HttpConnection): void {
    const ex = this.nextWaiting();
    if (ex) c.start(ex);
    else if (this.closed) c.destroy();
    else {
      c.park();
      this.idle.push(c);
    }
  }

  private onGone(c: HttpConnection): void {
    this.all.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.closed) return;
    const ex = this.nextWaiting();
    if (ex) this.send(ex);
  }

  private armWaitTimer(deadline: number): void {
    if (deadline >= this.waitTimerAt) return;
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimerAt = deadline;
    this.waitTimer = setTimeout(() => this.expireWaiting(), Math.max(0, deadline - performance.now()));
    this.waitTimer.unref();
  }

  /** Fails the waiting requests that are overdue; re-arms for the earliest deadline still ahead. */
  private expireWaiting(): void {
    this.waitTimer = undefined;
    this.waitTimerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (let i = this.head; i < this.waiting.length; i++) {
      const ex = this.waiting[i]!;
      if (!ex.expire(now) && !ex.settled && ex.deadline < next) next = ex.deadline;
    }
    this.armWaitTimer(next);
  }

  /** The oldest waiting request not already settled (timed out or aborted while waiting). */
  private nextWaiting(): HttpExchange | undefined {
    while (this.head < this.waiting.length) {
      const ex = this.waiting[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      if (!ex.settled) return ex;
    }
    if (this.head > 0) {
      this.waiting.length = 0;
      this.head = 0;
    }
    return undefined;
  }
}
