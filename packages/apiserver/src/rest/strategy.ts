/**
 * Per-resource behaviour on top of the generic REST flow (object-rest.ts), like the real server's strategies:
 * what a create resets, what an update may not touch, how long a deletion waits, what to allocate.
 */
import type { KubeObject } from '@skiff/api';
import type { DeleteOptions } from '../http/query-options.js';
import type { ServerContext } from './server-context.js';

export interface Strategy {
  /** Resets and server-set fields of a new object (a new pod's status, a job's selector). Runs before defaults. */
  prepareForCreate?(obj: KubeObject): void;
  /** Keeps what a main-resource update may not change (beyond the generic status rule). */
  prepareForUpdate?(next: KubeObject, prev: KubeObject): void;
  /**
   * Admission beyond NamespaceLifecycle: may complete the object from other objects (a pod's priority from its
   * PriorityClass) or refuse it. `prev` is undefined on create. Runs after defaulting, before validation.
   */
  admit?(ctx: ServerContext, obj: KubeObject, prev: KubeObject | undefined): Promise<void> | void;
  /** Takes resources (IPs, ports) the object needs; resolves with an undo. */
  allocate?(ctx: ServerContext, obj: KubeObject, prev: KubeObject | undefined, dryRun: boolean): Promise<() => Promise<void>>;
  /** Frees what `obj` held and `next` no longer uses (after a delete, `next` is undefined). */
  release?(ctx: ServerContext, obj: KubeObject, next?: KubeObject): Promise<void>;
  /** Seconds a deletion waits for (0: delete now). */
  gracePeriod?(obj: KubeObject, opts: DeleteOptions): number;
  /** Whether the DELETE answers with the deleted object (true) or a Status (false). */
  returnsDeletedObject?: boolean;
  /** PUT on a missing object creates it. */
  allowCreateOnUpdate?: boolean;
  /** The kind tracks metadata.generation (bumped on spec changes). */
  tracksGeneration?: boolean;
}
