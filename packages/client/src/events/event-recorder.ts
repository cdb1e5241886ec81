/**
 * Records core/v1 Events about objects, the ones `kubectl describe` lists at the bottom.
 *
 * Recording never blocks or fails the caller: events go to a bounded buffer (1,000, like client-go's broadcaster;
 * beyond it they are dropped and counted) and a background writer sends them. Repeats are aggregated (see
 * event-correlator.ts): the same event again is a PATCH of count and lastTimestamp on the event already written.
 * Writes for one aggregation key are serialized so counts never go backwards; different keys go concurrently.
 */
import type { Event } from '@skiff/api';
import type { ObjectLike } from '../object-like.js';
import { isNotFound } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import type { Client } from '../rest/client.js';
import type { ResourceClient } from '../rest/resource-client.js';
import { EventCorrelator, type Correlation, type CorrelatorOptions } from './event-correlator.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions extends CorrelatorOptions {
  client: Client;
  /** source.component and reportingComponent: 'deployment-controller', 'default-scheduler'... */
  component: string;
  /** source.host, for node components. */
  host?: string;
  /** Events buffered before new ones are dropped (default 1,000). */
  bufferSize?: number;
  /** Writes in flight at once (default 4). */
  concurrency?: number;
  /** Wall-clock milliseconds for event timestamps (Date.now by default). */
  now?: () => number;
  logger?: Logger;
}

interface Identity {
  involved: NonNullable<Event['involvedObject']>;
  /** The involved object: kind, namespace, name, uid, apiVersion joined. */
  objectKey: string;
  source: string;
  /** Events under one lock key are correlated and written one after another. */
  lockKey: string;
}

interface Pending {
  obj: ObjectLike;
  type: EventType;
  reason: string;
  message: string;
  at: number;
}

/** RFC 3339 to the second: the precision of firstTimestamp/lastTimestamp. */
function seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class EventRecorder {
  private readonly events: ResourceClient<Event>;
  private readonly correlator: EventCorrelator;
  private readonly buffer: Pending[] = [];
  private readonly busyKeys = new Map<string, Promise<void>>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly log: Logger;
  private readonly bufferSize: number;
  private readonly concurrency: number;
  /** Events dropped because the buffer was full or the spam filter said so. */
  dropped = 0;
  written = 0;

  constructor(private readonly opts: EventRecorderOptions) {
    this.events = opts.client.resource<Event>('v1/events');
    this.correlator = new EventCorrelator(opts);
    this.log = opts.logger ?? silentLogger;
    this.bufferSize = opts.bufferSize ?? 1000;
    this.concurrency = opts.concurrency ?? 4;
  }

  /** Records that `reason` happened to `obj`, e.g. ('Normal', 'SuccessfulCreate', 'Created pod: web-1'). */
  event(obj: ObjectLike, type: EventType, reason: string, message: string): void {
    if (this.buffer.length >= this.bufferSize) {
      this.dropped++;
      return;
    }
    this.buffer.push({ obj, type, reason, message, at: (this.opts.now ?? Date.now)() });
    this.pump();
  }

  /** Resolves once every event recorded so far has been written (or given up on). */
  async flush(): Promise<void> {
    if (this.buffer.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.buffer.length) {
      const p = this.buffer.shift()!;
      const id = this.identify(p);
      // Nothing in flight for this object and reason: the correlator can answer at once, and a dropped event
      // (the spam filter's verdict on most events of a big scale-up) costs no lock, promise or write slot.
      let c: Correlation | undefined;
      if (!this.busyKeys.has(id.lockKey)) {
        c = this.correlator.correlate({ objectKey: id.objectKey, source: id.source, type: p.type, reason: p.reason, message: p.message }, p.at);
        if (c.action === 'drop') {
          this.dropped++;
          continue;
        }
      }
      this.inFlight++;
      this.write(p, id, c)
        .catch((e) => this.log.warn({ reason: p.reason, err: (e as Error).message }, 'could not write event'))
        .finally(() => {
          this.inFlight--;
          this.pump();
          this.notifyIdle();
        });
    }
  }

  private notifyIdle(): void {
    if (this.inFlight === 0 && this.buffer.length === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private identify(p: Pending): Identity {
    const m = p.obj.metadata ?? {};
    const involved = {
      kind: p.obj.kind,
      namespace: m.namespace,
      name: m.name,
      uid: m.uid,
      apiVersion: p.obj.apiVersion,
      resourceVersion: m.resourceVersion,
    };
    const objectKey = `${involved.kind ?? ''}|${involved.namespace ?? ''}|${involved.name ?? ''}|${involved.uid ?? ''}|${involved.apiVersion ?? ''}`;
    const source = `${this.opts.component}|${this.opts.host ?? ''}`;
    // Serialize per object and reason, where counts live; the correlator's answer must see the previous write.
    return { involved, objectKey, source, lockKey: `${source}|${objectKey}|${p.type}|${p.reason}` };
  }

  /** Writes one event; `pre` is the correlator's answer if it was given before (no write for the key in flight). */
  private async write(p: Pending, id: Identity, pre: Correlation | undefined): Promise<void> {
    const { involved, objectKey, source, lockKey } = id;
    const m = p.obj.metadata ?? {};
    const before = this.busyKeys.get(lockKey);
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    this.busyKeys.set(lockKey, mine);
    try {
      if (before) await before;
      const c = pre ?? this.correlator.correlate({ objectKey, source, type: p.type, reason: p.reason, message: p.message }, p.at);
      if (c.action === 'drop') {
        this.dropped++;
        return;
      }
      const namespace = m.namespace || 'default';
      const now = seconds(p.at);
      if (c.action === 'increment') {
        try {
          await this.events.namespace(c.namespace).patch(c.name, { count: c.count, lastTimestamp: now, message: c.message }, 'merge');
          this.correlator.wrote(c.key, { name: c.name, namespace: c.namespace, count: c.count, firstTimestamp: c.firstTimestamp });
          this.written++;
          return;
        } catch (e) {
          if (!isNotFound(e)) throw e;
          this.correlator.forget(c.key);
        }
      }
      const name = `${m.name}.${(BigInt(p.at) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
      const ev: Event = {
        metadata: { name, namespace },
        involvedObject: involved,
        reason: p.reason,
        message: c.message,
        type: p.type,
        source: this.opts.host ? { component: this.opts.component, host: this.opts.host } : { component: this.opts.component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        reportingComponent: this.opts.component,
        reportingInstance: this.opts.host ?? '',
      };
      await this.events.namespace(namespace).create(ev);
      this.correlator.wrote(c.key, { name, namespace, count: 1, firstTimestamp: now });
      this.written++;
    } finally {
      release();
      if (this.busyKeys.get(lockKey) === mine) this.busyKeys.delete(lockKey);
    }
  }
}
