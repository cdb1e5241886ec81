/**
 * One shared informer per (resource, namespace, selectors): every controller that asks for pods gets the same
 * informer, so a process holds one watch and one cache per resource however many handlers it has.
 *
 *   const factory = new InformerFactory(client, { resyncMs: 30_000 });
 *   const pods = factory.informer<Pod>('v1/pods');
 *   pods.addEventHandler({ onAdd: (p) => queue.add(objectKey(p)) });
 *   factory.start();
 *   await factory.waitForSync();
 */
import type { KubeObject } from '@skiff/api';
import type { Logger } from '../logger.js';
import type { Client } from '../rest/client.js';
import type { ResourceRef } from '../rest/resource-ref.js';
import type { IndexFunc } from './indexer.js';
import type { ReflectorOptions } from './reflector.js';
import { SharedInformer } from './shared-informer.js';
import type { ObjectLike } from '../object-like.js';

export interface InformerFactoryOptions extends Omit<ReflectorOptions, 'labelSelector' | 'fieldSelector'> {
  /** Watch only this namespace (namespaced resources); every namespace by default. */
  namespace?: string;
  resyncMs?: number;
  logger?: Logger;
}

export interface InformerOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Extra indexes, added to the shared informer (another caller's indexes stay). */
  indexers?: Record<string, IndexFunc>;
}

export class InformerFactory {
  private readonly informers = new Map<string, SharedInformer<any>>();
  private started = false;

  constructor(
    private readonly client: Client,
    private readonly opts: InformerFactoryOptions = {},
  ) {}

  informer<T extends ObjectLike = KubeObject>(ref: ResourceRef, opts: InformerOptions = {}): SharedInformer<T> {
    const rc = this.client.resource<T>(ref);
    const def = rc.def;
    const ns = def.namespaced ? this.opts.namespace : undefined;
    const key = `${def.group}/${def.version}/${def.resource}|${ns ?? ''}|${opts.labelSelector ?? ''}|${opts.fieldSelector ?? ''}`;
    let inf = this.informers.get(key) as SharedInformer<T> | undefined;
    if (!inf) {
      inf = new SharedInformer<T>(ns ? rc.namespace(ns) : rc, {
        ...this.opts,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
      });
      this.informers.set(key, inf);
      if (this.started) inf.start();
    }
    if (opts.indexers) inf.addIndexers(opts.indexers as Record<string, IndexFunc<T>>);
    return inf;
  }

  /** Starts every informer asked for so far, and any asked for later. */
  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.start();
  }

  /** Resolves once every informer has synced; rejects after `timeoutMs` if given. */
  async waitForSync(timeoutMs?: number): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(timeoutMs)));
  }

  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
