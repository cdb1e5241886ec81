/**
 * The TTL-after-finished controller: deletes a Job `ttlSecondsAfterFinished` after it completed or failed
 * (Foreground, so its pods go first). Before deleting it re-reads the Job, so a TTL changed in the meantime wins.
 */
import type { Job } from '@skiff/api';
import { isNotFound, objectKey, splitKey, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';

/** When the Job finished (its Complete or Failed condition's transition), in ms; undefined while running. */
export function finishedAt(job: Job): number | undefined {
  const c = (job.status?.conditions ?? []).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  if (!c) return undefined;
  const t = Date.parse(c.lastTransitionTime ?? job.status?.completionTime ?? '');
  return Number.isFinite(t) ? t : undefined;
}

/** Milliseconds until the Job expires (<= 0: now); undefined when it has no TTL or has not finished. */
export function msUntilExpiry(job: Job, nowMs: number): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  const done = finishedAt(job);
  if (ttl === undefined || ttl === null || done === undefined) return undefined;
  return done + ttl * 1000 - nowMs;
}

export class TtlAfterFinishedController extends QueueController {
  private readonly jobs: SharedInformer<Job>;

  constructor(ctx: ControllerContext) {
    super('ttl-after-finished', ctx, ctx.options.workers['ttl-after-finished']);
    this.jobs = ctx.informers.informer<Job>('batch/v1/jobs');
    const changed = (j: Job) => {
      if (j.spec?.ttlSecondsAfterFinished !== undefined && !j.metadata?.deletionTimestamp) this.enqueue(objectKey(j));
    };
    this.jobs.addEventHandler({ onAdd: changed, onUpdate: (_, j) => changed(j) });
  }

  protected async sync(key: string): Promise<SyncResult> {
    const cached = this.jobs.indexer.get(key);
    if (!cached || cached.metadata?.deletionTimestamp) return;
    const left = msUntilExpiry(cached, this.ctx.now());
    if (left === undefined) return;
    if (left > 0) return { requeueAfterMs: left + 10 };
    const { namespace, name } = splitKey(key);
    const jobs = this.ctx.client.resource<Job>('batch/v1/jobs').namespace(namespace!);
    try {
      const fresh = await jobs.get(name);
      const freshLeft = msUntilExpiry(fresh, this.ctx.now());
      if (freshLeft === undefined) return;
      if (freshLeft > 0) return { requeueAfterMs: freshLeft + 10 };
      await jobs.delete(name, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata!.uid, resourceVersion: fresh.metadata!.resourceVersion } });
      this.log.info({ job: key }, 'deleted finished job whose TTL expired');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
