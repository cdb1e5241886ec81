/**
 * One request and the promise of its answer, from the moment it is queued for a connection until it settles.
 * Whichever of answer, failure, deadline or abort comes first wins.
 *
 * The deadline is a number, not a timer: the connection carrying the request (or the pool, while it waits for
 * one) keeps a single timer and expires whatever is overdue when it fires. A Node timer per request cost more
 * than the rest of the request's bookkeeping together.
 */
import { ClientError } from '../errors.js';

export interface RawResponse {
  status: number;
  /** The body decoded as UTF-8 ('' when there is none). */
  text: string;
}

/** What an exchange tells the connection it runs on when it is abandoned (deadline or abort). */
export interface ExchangeCarrier {
  abandon(): void;
}

export class HttpExchange {
  settled = false;
  /** The connection carrying the request, once it has one. */
  carrier: ExchangeCarrier | undefined;
  /** performance.now() by which the response head must have arrived; Infinity for none. */
  deadline: number;
  private readonly timeoutMs: number;
  private onAbort: (() => void) | undefined;
  private resolve!: (r: RawResponse) => void;
  private reject!: (e: Error) => void;
  readonly promise: Promise<RawResponse>;

  constructor(
    readonly method: string,
    /** Path and query, as sent on the request line. */
    readonly path: string,
    /** The whole request (head and body) as one string, or a head and a binary body. */
    readonly payload: string | [string, Buffer],
    timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.promise = new Promise<RawResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
    this.timeoutMs = timeoutMs;
    if (signal) {
      this.onAbort = () => this.abandon(new ClientError('Closed', `${method} ${path}: aborted`));
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** The response head has arrived: the deadline covers only the wait for an answer, as node:http's did. */
  answered(): void {
    this.deadline = Infinity;
  }

  /** Fails the exchange as timed out if its deadline has passed by `now`; true if it did. */
  expire(now: number): boolean {
    if (this.settled || now < this.deadline) return false;
    this.abandon(new ClientError('Timeout', `${this.method} ${this.path}: no answer within ${this.timeoutMs} ms`));
    return true;
  }

  succeed(r: RawResponse): void {
    if (this.settled) return;
    this.cleanup();
    this.resolve(r);
  }

  fail(e: Error): void {
    if (this.settled) return;
    this.cleanup();
    this.reject(e);
  }

  private abandon(e: Error): void {
    if (this.settled) return;
    const carrier = this.carrier;
    this.fail(e);
    // The connection is mid-request: its next bytes would belong to this answer, so it cannot be reused.
    carrier?.abandon();
  }

  private cleanup(): void {
    this.settled = true;
    this.carrier = undefined;
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
  }
}
