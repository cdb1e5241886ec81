import { randomBytes } from 'node:crypto';

/**
 * One-time tokens for streaming URLs, as the kubelet's streaming server uses them: Exec/Attach/PortForward store the
 * request and return a URL naming a token; the first connection to that URL takes the request. Tokens expire after
 * `ttlMs` (the kubelet connects right away) and the cache is bounded.
 */
export class StreamTokens<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 1_000,
  ) {}

  issue(value: T): string {
    this.sweep();
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const token = randomBytes(18).toString('base64url');
    this.entries.set(token, { value, expires: Date.now() + this.ttlMs });
    return token;
  }

  /** The request for `token`, once; undefined for unknown or expired tokens. */
  take(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    return entry.expires >= Date.now() ? entry.value : undefined;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, entry] of this.entries) if (entry.expires < now) this.entries.delete(token);
  }
}
