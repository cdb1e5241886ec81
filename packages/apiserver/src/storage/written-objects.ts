/**
 * Objects this server is writing, by key, in their stored form and already decoded: the watch cache gets each
 * write back from the store as bytes, and for a filtered watch (the scheduler's pods, a kubelet's) it would have
 * to parse every one of them again. With this it takes the writer's object instead, and the writer answers with
 * the cache's StoredObject, so the served bytes (the stored bytes with the resourceVersion spliced in) are made
 * once for the response and every watch event. One instance is shared by the server's storages and caches.
 *
 * An entry is only taken when the event's bytes are exactly the bytes written, so a racing writer of the same key
 * can at worst cost a parse, never put an object other than the stored one in the cache. The object is shared
 * from then on, under the rule every cached object follows: nobody changes it (writers work on copies).
 */
import type { KubeObject } from '@skiff/api';
import type { StoredObject } from './resource-storage.js';

export interface WriteNote {
  readonly key: string;
  readonly value: Uint8Array;
  readonly obj: KubeObject;
  /** Set by the watch cache that took the object: its StoredObject of the written version. */
  stored?: StoredObject;
}

export class WrittenObjects {
  private readonly writes = new Map<string, WriteNote>();

  /** Records a write of `value` (the encoding of `obj`) at `key`, until `forget`. */
  note(key: string, value: Uint8Array, obj: KubeObject): WriteNote {
    const note: WriteNote = { key, value, obj };
    this.writes.set(key, note);
    return note;
  }

  forget(note: WriteNote): void {
    if (this.writes.get(note.key) === note) this.writes.delete(note.key);
  }

  /** The note of a write in progress at `key` whose bytes are `value`, its object's resourceVersion set to `rv`. */
  take(key: string, value: Uint8Array, rv: number): WriteNote | undefined {
    const w = this.writes.get(key);
    if (!w || !Buffer.from(w.value.buffer, w.value.byteOffset, w.value.byteLength).equals(value)) return undefined;
    w.obj.metadata.resourceVersion = String(rv);
    return w;
  }
}
