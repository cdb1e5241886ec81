/**
 * Typed verbs on one resource, optionally bound to a namespace. A namespaced resource without a namespace reaches
 * every namespace for list, watch and deleteCollection; single-object verbs then need `namespace(ns)` first.
 *
 *   const pods = client.resource<Pod>('v1/pods').namespace('default');
 *   await pods.create({ metadata: { name: 'web' }, spec: { containers: [...] } });
 *   await pods.patch('web', { metadata: { labels: { tier: 'a' } } }, 'merge');
 */
import type { KubeObject, LabelSelector, ResourceDefinition, Scale, Status } from '@skiff/api';
import { ClientError } from '../errors.js';
import { apiVersionOf, resourcePath } from './resource-ref.js';
import type { Transport } from './transport.js';
import { watchStream, type WatchStream } from './watch-stream.js';
import type { ObjectLike, ObjectList } from '../object-like.js';

export interface ListOptions {
  labelSelector?: string | LabelSelector;
  fieldSelector?: string;
  /** Page size; the answer's metadata.continue fetches the next page. */
  limit?: number;
  continue?: string;
  /** '0': any cached state will do; unset: the latest (a consistent read). */
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  timeoutMs?: number;
}

export interface WatchOptions {
  labelSelector?: string | LabelSelector;
  fieldSelector?: string;
  /** Events after this version; unset or '0' starts with the current objects as ADDED. */
  resourceVersion?: string;
  /** Ask for BOOKMARK events (default true). */
  allowWatchBookmarks?: boolean;
  /** The server ends the stream after this long. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
  /** Leave metadata.managedFields out of every object the stream yields (a cache's choice; see managed-fields.ts). */
  dropManagedFields?: boolean;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** For apply patches: take fields other managers own. */
  force?: boolean;
  /** Patch a subresource ('status', 'scale') instead of the object. */
  subresource?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

function selector(s: string | LabelSelector | undefined): string | undefined {
  return s === undefined ? undefined : typeof s === 'string' ? s : s.toString();
}

function writeQuery(o: WriteOptions | undefined): Record<string, string | undefined> {
  return { fieldManager: o?.fieldManager, dryRun: o?.dryRun ? 'All' : undefined, fieldValidation: o?.fieldValidation };
}

function deleteBody(o: DeleteOptions | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (o?.propagationPolicy) body.propagationPolicy = o.propagationPolicy;
  if (o?.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds;
  if (o?.preconditions) body.preconditions = o.preconditions;
  if (o?.dryRun) body.dryRun = ['All'];
  return body;
}

export class ResourceClient<T extends ObjectLike = KubeObject> {
  constructor(
    private readonly transport: Transport,
    readonly def: ResourceDefinition,
    readonly ns?: string,
  ) {}

  /** The same resource, scoped to one namespace. */
  namespace(ns: string): ResourceClient<T> {
    if (!this.def.namespaced) throw new ClientError('BadRequest', `${this.def.resource} is cluster-scoped`);
    return new ResourceClient<T>(this.transport, this.def, ns);
  }

  private path(name?: string, subresource?: string): string {
    return resourcePath(this.def, this.ns, name, subresource);
  }

  /** The namespace for a write of `obj`: the client's, else the object's own. */
  private scoped(obj: ObjectLike): ResourceClient<T> {
    const ns = obj.metadata?.namespace;
    if (this.ns || !this.def.namespaced || !ns) return this;
    return new ResourceClient<T>(this.transport, this.def, ns);
  }

  private withTypeMeta(obj: ObjectLike): ObjectLike {
    return { apiVersion: apiVersionOf(this.def), kind: this.def.kind, ...obj };
  }

  async get(name: string, opts: { resourceVersion?: string } = {}): Promise<T> {
    return (await this.transport.request<T>('GET', this.path(name), { query: { resourceVersion: opts.resourceVersion } })).body;
  }

  /** One page; follow `metadata.continue` for more, or use listAll. */
  async list(opts: ListOptions = {}): Promise<ObjectList<T>> {
    const query = {
      labelSelector: selector(opts.labelSelector),
      fieldSelector: opts.fieldSelector,
      limit: opts.limit,
      continue: opts.continue,
      resourceVersion: opts.resourceVersion,
      resourceVersionMatch: opts.resourceVersionMatch,
    };
    return (await this.transport.request<ObjectList<T>>('GET', this.path(), { query, timeoutMs: opts.timeoutMs })).body;
  }

  /** Every page of a list, as one list whose resourceVersion is the snapshot all pages came from. */
  async listAll(opts: Omit<ListOptions, 'continue'> = {}): Promise<ObjectList<T>> {
    const first = await this.list({ limit: 500, ...opts });
    let cont = first.metadata.continue;
    while (cont) {
      const page = await this.list({ ...opts, limit: opts.limit ?? 500, continue: cont, resourceVersion: undefined, resourceVersionMatch: undefined });
      first.items.push(...page.items);
      cont = page.metadata.continue;
    }
    delete first.metadata.continue;
    delete first.metadata.remainingItemCount;
    return first;
  }

  async create(obj: T, opts?: WriteOptions): Promise<T> {
    const c = this.scoped(obj);
    return (await this.transport.request<T>('POST', c.path(), { body: this.withTypeMeta(obj), query: writeQuery(opts) })).body;
  }

  /** PUT: replaces the object; a metadata.resourceVersion makes it conditional (409 Conflict when stale). */
  async update(obj: T, opts?: WriteOptions): Promise<T> {
    const c = this.scoped(obj);
    return (await this.transport.request<T>('PUT', c.path(obj.metadata?.name ?? ''), { body: this.withTypeMeta(obj), query: writeQuery(opts) })).body;
  }

  /** PUT to /status: only the status of `obj` is stored. */
  async updateStatus(obj: T, opts?: WriteOptions): Promise<T> {
    const c = this.scoped(obj);
    return (await this.transport.request<T>('PUT', c.path(obj.metadata?.name ?? '', 'status'), { body: this.withTypeMeta(obj), query: writeQuery(opts) })).body;
  }

  /** PUT to any subresource (e.g. a namespace's `finalize`); answers with what the server returns. */
  async updateSubresource<R = T>(name: string, subresource: string, body: unknown, opts?: WriteOptions): Promise<R> {
    return (await this.transport.request<R>('PUT', this.path(name, subresource), { body, query: writeQuery(opts) })).body;
  }

  async patch(name: string, patch: unknown, type: PatchType, opts: PatchOptions = {}): Promise<T> {
    const query: Record<string, string | boolean | undefined> = writeQuery(opts);
    if (type === 'apply') {
      if (!opts.fieldManager) throw new ClientError('BadRequest', 'an apply patch needs a fieldManager');
      if (opts.force) query.force = true;
    }
    const body = typeof patch === 'string' ? patch : JSON.stringify(patch);
    const res = await this.transport.request<T>('PATCH', this.path(name, opts.subresource), { body, contentType: PATCH_CONTENT_TYPES[type], query });
    return res.body;
  }

  /** The deleted object, the object still being deleted (finalizers, grace period), or a Success Status. */
  async delete(name: string, opts?: DeleteOptions): Promise<T | Status> {
    return (await this.transport.request<T | Status>('DELETE', this.path(name), { body: deleteBody(opts) })).body;
  }

  async deleteCollection(opts: Omit<ListOptions, 'continue' | 'limit'> & DeleteOptions = {}): Promise<Status | ObjectList<T>> {
    const query = { labelSelector: selector(opts.labelSelector), fieldSelector: opts.fieldSelector };
    return (await this.transport.request<Status | ObjectList<T>>('DELETE', this.path(), { query, body: deleteBody(opts) })).body;
  }

  /** pods/binding: assigns a pod to a node (what a scheduler does). */
  async bind(name: string, nodeName: string): Promise<Status> {
    const body = { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: this.ns }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } };
    return (await this.transport.request<Status>('POST', this.path(name, 'binding'), { body })).body;
  }

  /** pods/eviction: a delete that disruption budgets may refuse (429). */
  async evict(name: string, opts?: DeleteOptions): Promise<Status> {
    const body = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: this.ns }, deleteOptions: deleteBody(opts) };
    return (await this.transport.request<Status>('POST', this.path(name, 'eviction'), { body })).body;
  }

  async getScale(name: string): Promise<Scale> {
    return (await this.transport.request<Scale>('GET', this.path(name, 'scale'))).body;
  }

  /** Sets spec.replicas through the scale subresource. */
  async scale(name: string, replicas: number, opts?: WriteOptions): Promise<Scale> {
    const body = JSON.stringify({ spec: { replicas } });
    const res = await this.transport.request<Scale>('PATCH', this.path(name, 'scale'), { body, contentType: PATCH_CONTENT_TYPES.merge, query: writeQuery(opts) });
    return res.body;
  }

  /**
   * Opens one watch connection. Resolves once the server has answered 200 (an error status rejects with an
   * ApiError, e.g. 410 for a compacted resourceVersion). For a watch that survives disconnects, use a Reflector
   * or an informer.
   */
  async watch(opts: WatchOptions = {}): Promise<WatchStream<T>> {
    const abort = new AbortController();
    const outer = opts.signal;
    const onOuter = () => abort.abort();
    if (outer) {
      if (outer.aborted) abort.abort();
      else outer.addEventListener('abort', onOuter, { once: true });
    }
    const query = {
      watch: 'true',
      labelSelector: selector(opts.labelSelector),
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
      allowWatchBookmarks: opts.allowWatchBookmarks === false ? undefined : 'true',
      timeoutSeconds: opts.timeoutSeconds,
    };
    try {
      const res = await this.transport.stream(this.path(), { query, signal: abort.signal });
      res.once('close', () => outer?.removeEventListener('abort', onOuter));
      return watchStream<T>(res, abort, { dropManagedFields: opts.dropManagedFields });
    } catch (e) {
      outer?.removeEventListener('abort', onOuter);
      throw e;
    }
  }
}
