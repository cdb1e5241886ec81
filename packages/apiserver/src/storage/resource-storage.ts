/**
 * One resource's objects in the store: the reads and conditional writes the REST layer is built from. Every
 * write is a txn guarded on the key's mod revision, so two writers racing on one object cannot both win; the loser
 * learns it lost (and retries or answers 409) instead of silently overwriting.
 */
import { deepCopy, expired, timeout, type KubeObject, type ResourceDefinition } from '@skiff/api';
import { isStoreError, prefixEnd, type KeyValue, type Store, type TxnRequest, type TxnResult } from '@skiff/store-wasm';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { collectionPrefix, objectKey } from './keys.js';
import { decodeObject, encodeObject, servedBytes } from './object-codec.js';
import { storageConversionFor, type StorageConversion } from './storage-conversion.js';
import type { WrittenObjects } from './written-objects.js';

/**
 * An object as read from or written to the store. `obj` is decoded on first use, so a JSON response that only
 * needs the bytes (see object-codec.ts) never parses them; `served` is spliced on first use and kept, so the watch
 * cache's copy of an object is turned into response bytes once per version however often it is read or watched.
 */
export class StoredObject {
  protected decoded: KubeObject | undefined;
  private servedJson: Buffer | undefined;

  constructor(
    /** The stored bytes (without the resourceVersion); undefined only while a subclass has yet to make them. */
    protected bytes: Uint8Array | undefined,
    /** The object's resourceVersion: its key's mod revision. */
    readonly rv: number,
    obj?: KubeObject,
  ) {
    this.decoded = obj;
  }

  /** The stored bytes (without the resourceVersion). */
  get raw(): Uint8Array {
    return this.bytes!;
  }

  get obj(): KubeObject {
    const raw = this.raw;
    return (this.decoded ??= decodeObject(raw, this.rv));
  }

  /**
   * The decoded object for a caller that will change it: a copy of the decoded form when there is one already
   * (copying is several times cheaper than parsing), else freshly parsed. Either way its own, not this one's.
   */
  ownObject(): KubeObject {
    const raw = this.raw;
    return this.decoded ? deepCopy(this.decoded) : decodeObject(raw, this.rv);
  }

  /**
   * Forgets the decoded form; the bytes stay, and `obj` parses them again if it is asked for. For a version that
   * is no longer current: it is seldom decoded again (a watch replaying from before it, with a selector), and
   * keeping its object graph alive in the watch cache made every young-generation GC copy it.
   */
  releaseDecoded(): void {
    this.decoded = undefined;
  }

  /** The object as JSON with its resourceVersion: what GET, LIST and watch events send. Do not modify. */
  get served(): Buffer {
    return (this.servedJson ??= servedBytes(this.raw, this.rv));
  }
}

/**
 * Bytes stored in another resource's form, converted to this resource's served form on first use: a watch cache
 * follows every write of the stored resource (every core Event, for events.k8s.io), most of which no reader of
 * the converted one ever looks at.
 */
class ConvertedStoredObject extends StoredObject {
  constructor(
    private readonly conversion: StorageConversion,
    private readonly storedValue: Uint8Array,
    rv: number,
  ) {
    super(undefined, rv);
  }

  override get raw(): Uint8Array {
    if (this.bytes === undefined) {
      const served = this.conversion.fromStorage(decodeObject(this.storedValue, this.rv));
      this.bytes = encodeObject(served);
      this.decoded = served;
    }
    return this.bytes;
  }
}

export interface ListPageOptions {
  /** Read at this revision; 0 reads the current one. Ignored with a continue token (it carries its own). */
  revision?: number;
  limit?: number;
  continueToken?: string;
  /** Keep only items for which this returns true. Items are decoded before filtering. */
  filter?: (obj: KubeObject) => boolean;
}

export interface ListPage {
  items: StoredObject[];
  /** The revision every item was read at: the list's resourceVersion. */
  revision: number;
  continueToken?: string;
  remainingItemCount?: number;
}

export type WriteOutcome = { ok: true; stored: StoredObject } | { ok: false; reason: 'conflict' | 'exists' | 'missing' };

const enc = new TextEncoder();
const MAX_CHUNK = 10_000;

export function mapStoreError(err: unknown, what: string): never {
  if (isStoreError(err, 'Compacted')) {
    throw expired(`The provided ${what} is too old to display a consistent list result. Start a new list without it.`);
  }
  if (isStoreError(err, 'FutureRev')) throw timeout(`Too large resource version: ${what} is newer than the server's`);
  throw err;
}

/**
 * Wraps stored bytes as this resource serves them: as they are (with `decoded`, their already decoded form, when
 * the caller has it), or, for a resource stored in another's form, converted to the served form (a parse and an
 * encode per object version, done when first read).
 */
export function storedObjectFor(conversion: StorageConversion | undefined, value: Uint8Array, rv: number, decoded?: KubeObject): StoredObject {
  if (!conversion) return new StoredObject(value, rv, decoded);
  return new ConvertedStoredObject(conversion, value, rv);
}

export class ResourceStorage {
  private readonly conversion: StorageConversion | undefined;

  constructor(
    readonly def: ResourceDefinition,
    readonly store: Store,
    /** Where writes offer their decoded objects to the watch caches, when the server has caches on this store. */
    private readonly written?: WrittenObjects,
  ) {
    this.conversion = storageConversionFor(def);
  }

  private toStored(kv: KeyValue): StoredObject {
    return storedObjectFor(this.conversion, kv.value, kv.modRevision);
  }

  /** The bytes to store for `obj`, and the StoredObject a read at `rv` would give back for them. */
  private encode(obj: KubeObject): { value: Buffer; stored: (rv: number) => StoredObject; decoded?: KubeObject } {
    if (!this.conversion) {
      const value = encodeObject(obj);
      return { value, stored: (rv) => new StoredObject(value, rv, withRv(obj, rv)), decoded: obj };
    }
    const value = encodeObject(this.conversion.toStorage(obj));
    return { value, stored: (rv) => storedObjectFor(this.conversion, value, rv) };
  }

  /**
   * A txn writing `value` at `key`, with the decoded form offered to the watch cache (written-objects.ts); `made`
   * is the cache's StoredObject of the new version when the cache took it.
   */
  private async write(req: TxnRequest, key: string, value: Buffer, decoded: KubeObject | undefined): Promise<{ res: TxnResult; made?: StoredObject }> {
    if (!decoded || !this.written) return { res: await this.store.txn(req) };
    const note = this.written.note(key, value, decoded);
    try {
      const res = await this.store.txn(req);
      return { res, made: note.stored?.rv === res.revision ? note.stored : undefined };
    } finally {
      this.written.forget(note);
    }
  }

  key(namespace: string | undefined, name: string): string {
    return objectKey(this.def, namespace, name);
  }

  async get(namespace: string | undefined, name: string, revision = 0): Promise<StoredObject | undefined> {
    let res;
    try {
      res = await this.store.range(enc.encode(this.key(namespace, name)), undefined, revision ? { revision } : undefined);
    } catch (e) {
      mapStoreError(e, 'resourceVersion');
    }
    const kv = res.kvs[0];
    return kv ? this.toStored(kv) : undefined;
  }

  /** Writes a new object; `exists` when the key is taken. */
  async create(obj: KubeObject, dryRun = false): Promise<WriteOutcome> {
    const keyText = this.key(obj.metadata.namespace, obj.metadata.name!);
    const key = enc.encode(keyText);
    const { value, stored, decoded } = this.encode(obj);
    if (dryRun) {
      const cur = await this.store.range(key);
      if (cur.kvs.length) return { ok: false, reason: 'exists' };
      return { ok: true, stored: stored(0) };
    }
    const { res, made } = await this.write(
      { compare: [{ key, target: 'create', result: 'equal', value: 0 }], success: [{ put: { key, value } }], failure: [] },
      keyText,
      value,
      decoded,
    );
    if (!res.succeeded) return { ok: false, reason: 'exists' };
    return { ok: true, stored: made ?? stored(res.revision) };
  }

  /** Replaces the object if its key is still at `expectedRv`. */
  async update(obj: KubeObject, expectedRv: number, dryRun = false): Promise<WriteOutcome> {
    const keyText = this.key(obj.metadata.namespace, obj.metadata.name!);
    const key = enc.encode(keyText);
    const { value, stored, decoded } = this.encode(obj);
    if (dryRun) return { ok: true, stored: stored(expectedRv) };
    const { res, made } = await this.write(
      { compare: [{ key, target: 'mod', result: 'equal', value: expectedRv }], success: [{ put: { key, value } }], failure: [{ range: { key } }] },
      keyText,
      value,
      decoded,
    );
    if (res.succeeded) return { ok: true, stored: made ?? stored(res.revision) };
    const cur = (res.responses[0] as { range: { kvs: KeyValue[] } } | undefined)?.range.kvs[0];
    return { ok: false, reason: cur ? 'conflict' : 'missing' };
  }

  /** Deletes the object if its key is still at `expectedRv`; resolves with the delete's revision. */
  async delete(namespace: string | undefined, name: string, expectedRv: number): Promise<{ ok: true; revision: number } | { ok: false; reason: 'conflict' | 'missing' }> {
    const key = enc.encode(this.key(namespace, name));
    const res = await this.store.txn({
      compare: [{ key, target: 'mod', result: 'equal', value: expectedRv }],
      success: [{ deleteRange: { key } }],
      failure: [{ range: { key } }],
    });
    if (res.succeeded) return { ok: true, revision: res.revision };
    const cur = (res.responses[0] as { range: { kvs: KeyValue[] } } | undefined)?.range.kvs[0];
    return { ok: false, reason: cur ? 'conflict' : 'missing' };
  }

  /**
   * One page of the collection, in key order. With a limit, reads in chunks until the page is full after
   * filtering, so a selective filter still yields full pages.
   */
  async list(namespace: string | undefined, opts: ListPageOptions = {}): Promise<ListPage> {
    const prefix = collectionPrefix(this.def, namespace);
    const end = prefixEnd(enc.encode(prefix));
    let revision = opts.revision ?? 0;
    let start = prefix;
    if (opts.continueToken) {
      const t = decodeContinue(opts.continueToken);
      revision = t.rv;
      start = prefix + t.start;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: StoredObject[] = [];
    let key = enc.encode(start);
    let more = false;
    let lastKey: string | undefined;
    let remaining: number | undefined;
    try {
      for (;;) {
        const chunk = limit ? Math.min(MAX_CHUNK, Math.max(limit - items.length, 100)) : 0;
        const res = await this.store.range(key, end, { revision, limit: chunk });
        if (!revision) revision = res.revision;
        let consumed = 0;
        for (const kv of res.kvs) {
          consumed++;
          const s = this.toStored(kv);
          if (opts.filter && !opts.filter(s.obj)) continue;
          items.push(s);
          if (limit && items.length === limit) {
            lastKey = Buffer.from(kv.key).toString('utf8');
            more = consumed < res.kvs.length || res.more;
            remaining = res.count - consumed;
            break;
          }
        }
        if (lastKey !== undefined || !res.more || !limit) break;
        const last = res.kvs[res.kvs.length - 1]!.key;
        key = new Uint8Array([...last, 0]);
      }
    } catch (e) {
      mapStoreError(e, opts.continueToken ? 'continue parameter' : 'resourceVersion');
    }
    const page: ListPage = { items, revision };
    if (more && lastKey !== undefined) {
      page.continueToken = encodeContinue({ rv: revision, start: lastKey.slice(prefix.length) + '\u0000' });
      if (!opts.filter) page.remainingItemCount = remaining;
    }
    return page;
  }
}

function withRv(obj: KubeObject, rv: number): KubeObject {
  obj.metadata.resourceVersion = String(rv);
  return obj;
}
