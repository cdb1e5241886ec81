/**
 * The generic write path of every resource: create, update (PUT and the result of a PATCH), and delete, with the
 * rules the real server applies to all of them. Per-resource behaviour comes from strategies.ts.
 *
 * Updates are optimistic: read, compute the new object, write guarded on the read's revision; on a lost race,
 * read again and recompute, unless the client pinned a resourceVersion, in which case the answer is 409.
 */
import {
  alreadyExists,
  applyDefaults,
  badRequest,
  conflict,
  deepCopy,
  forbidden,
  jsonEqual,
  notFound,
  staleConflict,
  validateObject,
  validateObjectUpdate,
  type GroupResource,
  type KubeObject,
  type ResourceDefinition,
} from '@skiff/api';
import type { DeleteOptions, WriteOptions } from '../http/query-options.js';
import { objectKey } from '../storage/keys.js';
import { encodeObject } from '../storage/object-codec.js';
import { StoredObject } from '../storage/resource-storage.js';
import { sameEncodingIgnoringManagedFields } from '../storage/same-encoding.js';
import { scopeOf, trackUpdate } from '../patch/managed-fields.js';
import { checkObjectSchema } from '../schema/schema-check.js';
import { generatedName, newUid, nowTimestamp } from './object-fields.js';
import type { ServerContext } from './server-context.js';
import { strategyFor } from './strategy-registry.js';
import { copyObject } from './object-copy.js';
import { checkTypeMeta } from './type-meta.js';

const MAX_ATTEMPTS = 16;
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export function groupResource(def: ResourceDefinition): GroupResource {
  return { group: def.group, resource: def.resource };
}

/**
 * Produces the desired object from the current one (a copy the producer may change). A producer marked
 * `ignoresCurrent` (a PUT's replacement) is handed the current object itself, uncopied, and must not touch it.
 */
export type Producer = ((current: KubeObject) => KubeObject | Promise<KubeObject>) & {
  ignoresCurrent?: boolean;
  /** The producer neither reads nor changes metadata.managedFields (a non-apply write replaces it anyway). */
  leavesManagedFields?: boolean;
};

/**
 * The producer of a PUT: the request body, untouched, on every attempt, whatever is stored. `take` gives one each
 * time it is called (http/request-body.ts objectBodySource).
 */
export function replacementFrom(take: () => unknown): Producer {
  const produce: Producer = () => take() as KubeObject;
  produce.ignoresCurrent = true;
  return produce;
}

export interface UpdateResult {
  obj: KubeObject;
  created: boolean;
  /** The stored form, when this update wrote (not for no-ops or deletions by finalization). */
  stored?: StoredObject;
}

export interface DeleteResult {
  obj: KubeObject;
  /** False when the object still exists (graceful deletion or finalizers pending). */
  deleted: boolean;
}

/** Whether an update would store nothing new (managedFields timestamps aside). */
function sameIgnoringManagedFields(next: KubeObject, cur: StoredObject): boolean {
  const prev = cur.obj;
  // Nearly every update changes something, and comparing the objects (no encoding) finds that at once. prev is
  // the stored bytes decoded, so next encoding to those very bytes implies it encodes as prev does, managedFields
  // aside: "different" settles it. "Alike" (a no-op, or values the walk cannot tell) is confirmed below, on the
  // bytes, as before.
  if (sameEncodingIgnoringManagedFields(next, prev) === false) return false;
  if (next.metadata.managedFields === prev.metadata.managedFields) {
    const bytes = encodeObject(next);
    if (bytes.length !== cur.raw.length) return false;
    if (bytes.equals(cur.raw)) return true;
  }
  const strip = (o: KubeObject) => encodeObject({ ...o, metadata: { ...o.metadata, managedFields: undefined } });
  return strip(next).equals(strip(prev));
}

export class ObjectRest {
  constructor(private readonly ctx: ServerContext) {}

  private namespaceDef(): ResourceDefinition {
    return this.ctx.registry.get('', 'v1', 'namespaces')!;
  }

  /**
   * NamespaceLifecycle admission: new objects only in namespaces that exist and are not terminating. The watch
   * cache answers first; a miss is checked in the store, since the cache of a remote store may lag a namespace
   * created a moment ago.
   */
  private async admitNamespace(def: ResourceDefinition, namespace: string | undefined, name: string): Promise<void> {
    if (!def.namespaced || !namespace) return;
    const nsDef = this.namespaceDef();
    const ns = this.ctx.cache(nsDef).getStored(objectKey(nsDef, undefined, namespace)) ?? (await this.ctx.storage(nsDef).get(undefined, namespace));
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (ns.obj.metadata?.deletionTimestamp || ns.obj.status?.phase === 'Terminating') {
      throw forbidden(groupResource(def), name, `unable to create new content in namespace ${namespace} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
      ]);
    }
  }

  private setNamespace(def: ResourceDefinition, obj: KubeObject, namespace: string | undefined): void {
    if (!def.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace ?? obj.metadata.namespace;
  }

  async create(def: ResourceDefinition, namespace: string | undefined, body: unknown, opts: WriteOptions): Promise<KubeObject> {
    return (await this.createStored(def, namespace, body, opts)).obj;
  }

  /** create, answering with the stored form too (its bytes can be sent without encoding the object again). */
  async createStored(def: ResourceDefinition, namespace: string | undefined, body: unknown, opts: WriteOptions): Promise<StoredObject> {
    const strategy = strategyFor(def);
    const template = checkTypeMeta(def, body);
    opts.warnings.push(...checkObjectSchema(def, template, opts.fieldValidation));
    this.setNamespace(def, template, namespace);
    // Decided once: attempt 0 works on the template itself, so a later copy already carries the first generated name.
    const generated = !template.metadata.name && !!template.metadata.generateName;
    for (let attempt = 0; ; attempt++) {
      const obj = attempt === 0 ? template : deepCopy(template);
      const meta = obj.metadata;
      if (generated) meta.name = generatedName(meta.generateName!);
      delete meta.resourceVersion;
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
      meta.uid = newUid();
      meta.creationTimestamp = nowTimestamp();
      if (strategy.tracksGeneration) meta.generation = 1;
      else delete meta.generation;
      strategy.prepareForCreate?.(obj);
      applyDefaults(def, obj);
      await this.admitNamespace(def, meta.namespace, meta.name ?? '');
      await strategy.admit?.(this.ctx, obj, undefined);
      validateObject(def, obj);
      if (!opts.applied) {
        delete meta.managedFields;
        trackUpdate(undefined, obj, { name: opts.manager, subresource: '' }, scopeOf('', def.statusSubresource));
      }
      const undo = strategy.allocate ? await strategy.allocate(this.ctx, obj, undefined, opts.dryRun) : undefined;
      let out;
      try {
        out = await this.ctx.storage(def).create(obj, opts.dryRun);
      } catch (e) {
        await undo?.();
        throw e;
      }
      if (out.ok) return out.stored;
      await undo?.();
      if (!generated || attempt >= 3) throw alreadyExists(groupResource(def), meta.name!);
    }
  }

  /**
   * PUT (and PATCH, through `produce`): `subresource` 'status' writes only status, undefined writes everything
   * but status (for kinds with a status subresource).
   */
  async update(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    produce: Producer,
    opts: WriteOptions,
    subresource?: string,
    createIfMissing?: () => Promise<KubeObject>,
  ): Promise<UpdateResult> {
    const storage = this.ctx.storage(def);
    const strategy = strategyFor(def);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // A binding or a status write reads the current object and never changes it: the producer works on the copy
      // below (a status PUT ignores it), prepareUpdate builds a status write's object as a fresh copy of it, and
      // managed fields are rebuilt without touching the old entries. So they may read the cache's own object.
      // Other updates may share parts of it into the new object and then default them in place (namespaces'
      // spec), so they get a private copy.
      const readOnly = subresource === 'binding' || subresource === 'status';
      const cur = await this.current(def, namespace, name, readOnly);
      if (!cur) {
        if (createIfMissing) return { obj: await createIfMissing(), created: true };
        throw notFound(groupResource(def), name);
      }
      const given = produce.ignoresCurrent ? cur.obj : copyObject(cur.obj, { shareManagedFields: !opts.applied && !!produce.leavesManagedFields });
      const next = this.prepareUpdate(def, namespace, name, await produce(given), cur, subresource, opts);
      if (sameIgnoringManagedFields(next, cur)) return { obj: cur.obj, created: false };
      await strategy.admit?.(this.ctx, next, cur.obj);
      // A binding is written by the server itself, as the real one writes it straight to storage: no field
      // manager runs, so it adds no managedFields entry (a scheduled pod's nodeName and PodScheduled have no owner).
      if (!opts.applied && subresource !== 'binding') {
        trackUpdate(cur.obj, next, { name: opts.manager, subresource: subresource ?? '' }, scopeOf(subresource ?? '', def.statusSubresource));
      }
      if (this.finalizedAway(def, next)) {
        const del = await storage.delete(namespace, name, cur.rv);
        if (del.ok) {
          await strategy.release?.(this.ctx, cur.obj);
          return { obj: next, created: false };
        }
        if (del.reason === 'missing') throw notFound(groupResource(def), name);
        continue;
      }
      const undo = strategy.allocate ? await strategy.allocate(this.ctx, next, cur.obj, opts.dryRun) : undefined;
      let out;
      try {
        out = await storage.update(next, cur.rv, opts.dryRun);
      } catch (e) {
        await undo?.();
        throw e;
      }
      if (out.ok) {
        if (!opts.dryRun) await strategy.release?.(this.ctx, cur.obj, next);
        return { obj: out.stored.obj, created: false, stored: out.stored };
      }
      await undo?.();
      if (out.reason === 'missing') throw notFound(groupResource(def), name);
    }
    throw conflict(groupResource(def), name, 'the object is being modified too often; try again');
  }

  /**
   * The stored object, from the watch cache when it mirrors the store, else from the store. Unless `readOnly`,
   * a private StoredObject over the cached bytes: its decoded form is this write's own, neither shared nor kept
   * (copied from the cache's decoded form when there is one, parsed otherwise).
   */
  private async current(def: ResourceDefinition, namespace: string | undefined, name: string, readOnly: boolean): Promise<StoredObject | undefined> {
    const cache = this.ctx.cache(def);
    if (cache.consistentRevision() === undefined) return this.ctx.storage(def).get(namespace, name);
    const cached = cache.getStored(objectKey(def, namespace, name));
    if (readOnly) return cached;
    return cached && new StoredObject(cached.raw, cached.rv, cached.ownObject());
  }

  /** An object marked for deletion whose last finalizer is gone is deleted by the update that removed it. */
  private finalizedAway(def: ResourceDefinition, obj: KubeObject): boolean {
    const m = obj.metadata;
    if (def.group === '' && def.resource === 'namespaces' && (obj.spec?.finalizers ?? []).length > 0) return false;
    return !!m.deletionTimestamp && (m.finalizers ?? []).length === 0 && (m.deletionGracePeriodSeconds ?? 0) === 0;
  }

  private prepareUpdate(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    cur: StoredObject,
    subresource: string | undefined,
    opts: WriteOptions,
  ): KubeObject {
    let next = checkTypeMeta(def, body);
    if (subresource !== 'binding') {
      for (const w of checkObjectSchema(def, next, opts.fieldValidation)) if (!opts.warnings.includes(w)) opts.warnings.push(w);
    }
    if (next.metadata.name !== undefined && next.metadata.name !== name) {
      throw badRequest(`the name of the object (${String(next.metadata.name)}) does not match the name on the URL (${name})`);
    }
    next.metadata.name = name;
    this.setNamespace(def, next, namespace);
    const wantRv = next.metadata.resourceVersion;
    if (wantRv !== undefined && wantRv !== '' && wantRv !== String(cur.rv)) throw staleConflict(groupResource(def), name);
    const prev = cur.obj;
    if (subresource === 'status') {
      // prev's status is replaced and (unless applying) its managedFields put back below: neither is copied.
      next = copyObject(prev, { shareManagedFields: !opts.applied, status: { value: next.status } });
    } else if (subresource === 'binding') {
      // Built by the server from a Binding: the one way spec.nodeName gets set.
    } else if (subresource === 'ephemeralcontainers') {
      // Only spec.ephemeralContainers is taken from the request; validateObjectUpdate checks they were only added.
      const wanted = next.spec?.ephemeralContainers;
      next = deepCopy(prev);
      if (wanted === undefined || wanted === null) delete next.spec.ephemeralContainers;
      else next.spec.ephemeralContainers = wanted;
    } else if (subresource === 'finalize') {
      const finalizers = next.spec?.finalizers;
      next = deepCopy(prev);
      next.spec = { ...(next.spec ?? {}), finalizers };
    } else {
      if (def.statusSubresource) next.status = deepCopy(prev.status);
      strategyFor(def).prepareForUpdate?.(next, prev);
    }
    const m = next.metadata;
    const pm = prev.metadata;
    m.uid = pm.uid;
    m.creationTimestamp = pm.creationTimestamp;
    if (pm.deletionTimestamp) m.deletionTimestamp = pm.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (pm.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = pm.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    if (pm.generation !== undefined) m.generation = pm.generation;
    else delete m.generation;
    delete m.resourceVersion;
    applyDefaults(def, next);
    if (strategyFor(def).tracksGeneration && !jsonEqual(next.spec, prev.spec)) m.generation = (pm.generation ?? 0) + 1;
    if (subresource !== 'binding') validateObjectUpdate(def, next, prev);
    if (!opts.applied) next.metadata.managedFields = prev.metadata.managedFields;
    return next;
  }

  async delete(def: ResourceDefinition, namespace: string | undefined, name: string, opts: DeleteOptions): Promise<DeleteResult> {
    const storage = this.ctx.storage(def);
    const strategy = strategyFor(def);
    const gr = groupResource(def);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const cur = await storage.get(namespace, name);
      if (!cur) throw notFound(gr, name);
      const obj = cur.obj;
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== obj.metadata.uid) {
        throw conflict(gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== String(cur.rv)) {
        throw conflict(gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.rv}`);
      }
      const marked = this.markForDeletion(def, obj, opts);
      if (marked) {
        if (marked === 'unchanged') return { obj, deleted: false };
        const out = await storage.update(marked, cur.rv, opts.dryRun);
        if (out.ok) return { obj: out.stored.obj, deleted: false };
        if (out.reason === 'missing') throw notFound(gr, name);
        continue;
      }
      if (opts.dryRun) return { obj, deleted: true };
      const out = await storage.delete(namespace, name, cur.rv);
      if (out.ok) {
        await strategy.release?.(this.ctx, obj);
        obj.metadata.resourceVersion = String(out.revision);
        return { obj, deleted: true };
      }
      if (out.reason === 'missing') throw notFound(gr, name);
    }
    throw conflict(gr, name, 'the object is being modified too often; try again');
  }

  /**
   * The object as it should be stored while its deletion waits (namespaces terminating, pods in their grace
   * period, finalizers pending), 'unchanged' when it already is, or undefined when it can go now.
   */
  private markForDeletion(def: ResourceDefinition, obj: KubeObject, opts: DeleteOptions): KubeObject | 'unchanged' | undefined {
    const m = obj.metadata;
    if (def.group === '' && def.resource === 'namespaces') {
      if (IMMORTAL_NAMESPACES.has(m.name!)) throw forbidden(groupResource(def), m.name!, 'this namespace may not be deleted');
      const pending = (obj.spec?.finalizers ?? []).length > 0 || (m.finalizers ?? []).length > 0;
      if (m.deletionTimestamp) return pending ? 'unchanged' : undefined;
      const next = deepCopy(obj);
      next.metadata.deletionTimestamp = nowTimestamp();
      next.metadata.deletionGracePeriodSeconds = 0;
      next.status = { ...(next.status ?? {}), phase: 'Terminating' };
      return pending ? next : undefined;
    }
    const finalizers = [...(m.finalizers ?? [])];
    if (opts.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (opts.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (opts.propagationPolicy === 'Background') {
      const i = finalizers.indexOf('orphan');
      if (i >= 0 && !m.deletionTimestamp) finalizers.splice(i, 1);
    }
    const grace = strategyFor(def).gracePeriod?.(obj, opts) ?? 0;
    if (m.deletionTimestamp) {
      // Already going: a shorter grace period may hurry it; grace 0 with no finalizers removes it now.
      if (grace === 0 && finalizers.length === 0) return undefined;
      const remaining = m.deletionGracePeriodSeconds ?? 0;
      if (grace >= remaining && jsonEqual(finalizers, m.finalizers ?? [])) return 'unchanged';
      const next = deepCopy(obj);
      next.metadata.deletionGracePeriodSeconds = Math.min(grace, remaining);
      next.metadata.deletionTimestamp = nowTimestamp(Date.now() + Math.min(grace, remaining) * 1000);
      if (finalizers.length) next.metadata.finalizers = finalizers;
      return next;
    }
    if (grace === 0 && finalizers.length === 0) return undefined;
    const next = deepCopy(obj);
    next.metadata.deletionTimestamp = nowTimestamp(Date.now() + grace * 1000);
    next.metadata.deletionGracePeriodSeconds = grace;
    if (finalizers.length) next.metadata.finalizers = finalizers;
    if (next.metadata.generation !== undefined) next.metadata.generation += 1;
    return next;
  }
}
