/**
 * A reflector keeps a sink in step with the server: list (in pages), then watch from the list's resourceVersion,
 * forever.
 *
 *   - The watch ends normally (the server's timeout, a dropped connection): watch again from the last
 *     resourceVersion seen, so nothing in between is lost and nothing is listed again.
 *   - 410 Expired (as an HTTP answer or an ERROR event): that version is gone from the server's history; list
 *     again and hand the sink the whole new state (replace), which reconciles whatever was missed.
 *   - BOOKMARK events move the resourceVersion forward without a change, so a resume after a quiet spell does
 *     not start from a version the server has since dropped.
 *   - Any other failure: wait (exponential backoff, reset once a watch delivers), then resume.
 */
import type { KubeObject } from '@skiff/api';
import { ClientError, isExpired } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import type { ResourceClient } from '../rest/resource-client.js';
import { dropManagedFields } from '../rest/managed-fields.js';
import { sleep } from '../rest/transport.js';
import type { ObjectLike } from '../object-like.js';

export interface ReflectorSink<T> {
  /** The full state as of `resourceVersion` (after every list). */
  replace(items: T[], resourceVersion: string): void;
  add(obj: T): void;
  update(obj: T): void;
  delete(obj: T): void;
}

export interface ReflectorOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** List page size (default 500). */
  pageSize?: number;
  /** Each watch asks the server to end it after a random time in [min, max] seconds (default 300-600). */
  watchTimeoutSeconds?: [number, number];
  /** Backoff after failures: starts at initialMs, doubles, capped at maxMs (default 800 ms -> 30 s). */
  backoff?: { initialMs: number; maxMs: number };
  /**
   * Keep objects without metadata.managedFields, as kube-controller-manager's informers do: no controller reads
   * them, and they are most of what parsing and holding a small object costs.
   */
  dropManagedFields?: boolean;
  logger?: Logger;
}

export class Reflector<T extends ObjectLike = KubeObject> {
  private rv = '';
  private abort?: AbortController;
  private running?: Promise<void>;
  private readonly log: Logger;
  /** Lists done so far (the first one included): a relist after 410 adds one. */
  listCount = 0;

  constructor(
    private readonly client: ResourceClient<T>,
    private readonly sink: ReflectorSink<T>,
    private readonly opts: ReflectorOptions = {},
  ) {
    this.log = opts.logger ?? silentLogger;
  }

  /** The resourceVersion of the last list, event or bookmark applied. */
  get lastSyncResourceVersion(): string {
    return this.rv;
  }

  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.loop(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
    this.running = undefined;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const backoff = this.opts.backoff ?? { initialMs: 800, maxMs: 30_000 };
    let delay = 0;
    let needList = true;
    while (!signal.aborted) {
      if (delay > 0) await sleep(delay, signal);
      if (signal.aborted) break;
      try {
        if (needList) {
          await this.list();
          needList = false;
        }
        const began = Date.now();
        const delivered = await this.watch(signal);
        // A stream that ends at once, again and again, would spin: treat it like a failure.
        delay = delivered === 'ended' && Date.now() - began < 100 ? Math.max(delay, backoff.initialMs) : 0;
        if (delivered === 'expired') needList = true;
      } catch (e) {
        if (signal.aborted) break;
        if (isExpired(e)) {
          this.log.info({ resource: this.client.def.resource, rv: this.rv }, 'watch resourceVersion expired; listing again');
          needList = true;
          continue;
        }
        delay = delay === 0 ? backoff.initialMs : Math.min(backoff.maxMs, delay * 2);
        this.log.warn({ resource: this.client.def.resource, err: (e as Error).message, retryInMs: delay }, 'list/watch failed; retrying');
      }
    }
  }

  private async list(): Promise<void> {
    const list = await this.client.listAll({
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      limit: this.opts.pageSize ?? 500,
    });
    this.rv = list.metadata.resourceVersion ?? '';
    this.listCount++;
    if (this.opts.dropManagedFields) for (const item of list.items) dropManagedFields(item);
    this.sink.replace(list.items, this.rv);
  }

  /** Watches until the stream ends; 'expired' when the server said the resourceVersion is too old. */
  private async watch(signal: AbortSignal): Promise<'ended' | 'expired'> {
    const [min, max] = this.opts.watchTimeoutSeconds ?? [300, 600];
    const stream = await this.client.watch({
      resourceVersion: this.rv,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      allowWatchBookmarks: true,
      timeoutSeconds: Math.round(min + Math.random() * (max - min)),
      signal,
      dropManagedFields: this.opts.dropManagedFields,
    });
    for await (const ev of stream) {
      if (ev.type === 'ERROR') {
        if ((ev.object.code ?? 0) === 410 || ev.object.reason === 'Expired' || ev.object.reason === 'Gone') return 'expired';
        throw new ClientError('Transport', `watch error: ${ev.object.message ?? JSON.stringify(ev.object)}`);
      }
      const rv = ev.object.metadata?.resourceVersion;
      if (ev.type === 'ADDED') this.sink.add(ev.object);
      else if (ev.type === 'MODIFIED') this.sink.update(ev.object);
      else if (ev.type === 'DELETED') this.sink.delete(ev.object);
      if (rv) this.rv = rv;
    }
    return 'ended';
  }
}
