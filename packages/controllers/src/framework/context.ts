/** What every controller gets: the shared client and informers, a logger, an event recorder per component. */
import type { Client, EventRecorder, InformerFactory } from '@skiff/client';
import type { Logger } from 'pino';
import type { ResolvedOptions } from '../options.js';

export interface ControllerContext {
  client: Client;
  informers: InformerFactory;
  logger: Logger;
  /** The recorder for a component name ('deployment-controller', 'replicaset-controller' ...). */
  recorder(component: string): EventRecorder;
  /** Wall-clock milliseconds: timestamps and deadlines. */
  now(): number;
  options: ResolvedOptions;
}
