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
  // Nearly every event is sent in one form only (JSON lines of one type): that one needs no map.
  private firstFormat: string | undefined;
  private firstBytes: Buffer | undefined;
  private more: Map<string, Buffer> | undefined;

  constructor(
    readonly type: WatchEventType,
    readonly rv: number,
    readonly key: string,
    readonly current: StoredObject,
    readonly previous: StoredObject | undefined,
    /** The object's namespace ('' when cluster-scoped), parsed from the key once for every watcher. */
    readonly namespace = '',
  ) {}

  get object(): KubeObject {
    return this.current.obj;
  }

  /** Memoizes `make()` under `format` (e.g. "json:MODIFIED" or "table:ADDED"); use constant format strings. */
  encode(format: string, make: () => Buffer): Buffer {
    if (this.firstFormat === format) return this.firstBytes!;
    if (this.firstFormat === undefined) {
      this.firstFormat = format;
      return (this.firstBytes = make());
    }
    let b = (this.more ??= new Map()).get(format);
    if (!b) {
      b = make();
      this.more.set(format, b);
    }
    return b;
  }
}
