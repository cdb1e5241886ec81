// What a TCP or UDP listener shares with the proxy that owns it.
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { LbCore } from '../core.js';
import type { BackendSet } from './backend-set.js';
import type { ProxyEvents, VirtualServiceSpec } from './virtual-service.js';

export interface ListenerContext {
  core: LbCore;
  /** The core's id for this virtual service. */
  svc: number;
  backends: BackendSet;
  events: EventEmitter<ProxyEvents>;
  log: Logger;
  /** Monotonic clock in ms, the core's notion of now. */
  now(): number;
  connectTimeoutMs: number;
  /** Backends tried for one connection before giving up. */
  maxAttempts: number;
  /** Called when a tracked flow ends, so leaving backends can be reaped. */
  flowEnded(): void;
  /** Set once the service is removed: its core id may already name another service. */
  removed: boolean;
}

export interface Listener {
  /** The bound port (the spec's, or the one picked when the spec asked for 0). */
  readonly port: number;
  start(): Promise<void>;
  /** Takes a changed spec with the same address, port and protocol (hashPort may change). */
  update(spec: VirtualServiceSpec): void;
  /** Periodic upkeep: drop UDP sessions whose flow the core forgot. */
  tick(): void;
  /** Stops accepting. Established TCP connections continue; UDP sessions end. */
  close(): Promise<void>;
}
