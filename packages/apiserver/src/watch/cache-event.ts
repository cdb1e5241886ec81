import type { KubeObject } from '@skiff/api';
import { StoredObject } from '../storage/resource-storage.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change to one object, as the watch cache keeps it. `current` is the new state (for a deletion: the last
 * state, carrying the deletion's revision as its resourceVersion, as the real server sends it), `previous` the
 * state before. Serialized forms are memoized here, so a change sent to a thousand watchers is encoded once per
 * format.
 */
export class CacheEvent {
  private readonly encoded = new Map<string, Buffer>();

  constructor(
    readonly type: WatchEventType,
    readonly rv: number,
    readonly key: string,
    readonly current: StoredObject,
    readonly previous: StoredObject | undefined,
  ) {}

  get object(): KubeObject {
    return this.current.obj;
  }

  /** Memoizes `make()` under `format` (e.g. "json:MODIFIED" or "table:ADDED"). */
  encode(format: string, make: () => Buffer): Buffer {
    let b = this.encoded.get(format);
    if (!b) {
      b = make();
      this.encoded.set(format, b);
    }
    return b;
  }
}
