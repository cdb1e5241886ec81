import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { EngineKind } from '../src/core/engine.js';
import type { KubeSchedulerConfiguration } from '../src/framework/config.js';
import { Scheduler } from '../src/framework/scheduler.js';

/** A scheduler on a fake clock, with nodes and bound pods already fed in. */
export class SchedulerFixture {
  now = 1_000_000;
  readonly scheduler: Scheduler;

  constructor(engine: EngineKind, opts: { config?: KubeSchedulerConfiguration; nodes?: V1Node[]; bound?: V1Pod[]; seed?: number } = {}) {
    this.scheduler = new Scheduler({ engine, config: opts.config, seed: opts.seed ?? 3, clock: () => this.now });
    for (const n of opts.nodes ?? []) this.scheduler.addNode(n);
    for (const p of opts.bound ?? []) this.scheduler.addPod(p);
  }

  advance(ms: number): void {
    this.now += ms;
    this.scheduler.tick();
  }
}
