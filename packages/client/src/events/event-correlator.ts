/**
 * Decides what an event becomes before it is written, the way client-go's correlator does:
 *
 *   1. Spam filter: per source and involved object, a token bucket (burst 25, one token per 5 minutes). An
 *      object flooding events gets its first 25, then one every 5 minutes; the rest are dropped.
 *   2. Similar-event aggregation: events alike in everything but the message (same object, type, reason) seen
 *      10 times within 10 minutes collapse into one event whose message starts "(combined from similar
 *      events): ", so a ReplicaSet creating 500 pods does not write 500 event objects.
 *   3. Repeat counting: an identical event (same message too) is not a new object but a count increment on the
 *      one already written (count, lastTimestamp), which describe shows as "(x16 over 8m52s)".
 *
 * The correlator only computes; the recorder does the writing and tells it the name of what it wrote.
 */
import { TokenBucket } from '../rate-limit/token-bucket.js';

export interface EventInput {
  /** Identifies the involved object: kind, namespace, name, uid, apiVersion joined. */
  objectKey: string;
  source: string;
  type: string;
  reason: string;
  message: string;
}

export type Correlation =
  | { action: 'drop' }
  /** Write a new event with this message; remember it under `key`. */
  | { action: 'create'; key: string; message: string }
  /** Bump the event already written under `key` to `count`. */
  | { action: 'increment'; key: string; message: string; count: number; name: string; namespace: string; firstTimestamp: string };

interface Written {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

interface Similar {
  messages: Set<string>;
  since: number;
}

export interface CorrelatorOptions {
  spamBurst?: number;
  spamQps?: number;
  maxSimilar?: number;
  similarWindowMs?: number;
  /** Entries remembered per cache before the oldest are forgotten. */
  cacheSize?: number;
}

const COMBINED = '(combined from similar events): ';

export class EventCorrelator {
  private readonly spam = new Map<string, TokenBucket>();
  private readonly similar = new Map<string, Similar>();
  private readonly written = new Map<string, Written>();
  private readonly o: Required<CorrelatorOptions>;

  constructor(opts: CorrelatorOptions = {}) {
    this.o = {
      spamBurst: opts.spamBurst ?? 25,
      spamQps: opts.spamQps ?? 1 / 300,
      maxSimilar: opts.maxSimilar ?? 10,
      similarWindowMs: opts.similarWindowMs ?? 600_000,
      cacheSize: opts.cacheSize ?? 4096,
    };
  }

  correlate(ev: EventInput, now = Date.now()): Correlation {
    const spamKey = `${ev.source}|${ev.objectKey}`;
    let bucket = this.spam.get(spamKey);
    if (!bucket) bucket = remember(this.spam, spamKey, new TokenBucket(this.o.spamQps, this.o.spamBurst), this.o.cacheSize);
    if (!bucket.tryTake()) return { action: 'drop' };

    const aggKey = `${spamKey}|${ev.type}|${ev.reason}`;
    let sim = this.similar.get(aggKey);
    if (!sim || now - sim.since > this.o.similarWindowMs) sim = remember(this.similar, aggKey, { messages: new Set(), since: now }, this.o.cacheSize);
    sim.messages.add(ev.message);
    let key = `${aggKey}|${ev.message}`;
    let message = ev.message;
    if (sim.messages.size >= this.o.maxSimilar) {
      key = `${aggKey}|*`;
      message = COMBINED + ev.message;
    }
    const prev = this.written.get(key);
    if (!prev) return { action: 'create', key, message };
    return { action: 'increment', key, message, count: prev.count + 1, name: prev.name, namespace: prev.namespace, firstTimestamp: prev.firstTimestamp };
  }

  /** Records what was written under `key` (after a create or a successful increment). */
  wrote(key: string, w: Written): void {
    remember(this.written, key, w, this.o.cacheSize);
  }

  /** Forgets `key` (the event it named is gone: the next repeat creates a new one). */
  forget(key: string): void {
    this.written.delete(key);
  }
}

/** Map insertion order as LRU-ish eviction: re-inserting moves a key to the end; the oldest goes first. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): V {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
  return value;
}
