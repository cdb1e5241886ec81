/**
 * The Job controller: runs pods until `completions` succeed (or, without completions, until one succeeds and the
 * rest stop), at most `parallelism` at once.
 *
 * One sync: claim pods; count finished ones exactly once (job-tracking.ts); then decide:
 *   Failed     a FailJob podFailurePolicy rule matched (PodFailurePolicy), failures exceed backoffLimit
 *              (BackoffLimitExceeded), or the Job ran longer than activeDeadlineSeconds (DeadlineExceeded):
 *              active pods are deleted;
 *   Complete   enough successes (NonIndexed) or every index 0..completions-1 succeeded (Indexed);
 *   Suspended  spec.suspend: active pods are deleted, startTime cleared;
 *   otherwise  create or delete pods toward the wanted number of active ones. Indexed Jobs give each pod an index
 *              (annotation and label batch.kubernetes.io/job-completion-index, env JOB_COMPLETION_INDEX, hostname
 *              <job>-<index>). After failures, replacements wait an exponential backoff (10 s doubling, 6 min max).
 */
import { deepCopy, jsonEqual, labelSelectorFromObject, type Job, type Pod } from '@skiff/api';
import { isNotFound, objectKey, splitKey, type EventRecorder, type ResourceClient, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { getCondition, rfc3339, setCondition, type Condition } from '../framework/conditions.js';
import { Expectations } from '../framework/expectations.js';
import { ownedPodEvents } from '../framework/owned-pod-events.js';
import { ownedInformer, ownershipCandidates } from '../framework/owned-objects.js';
import { claimObjects, controllerRef, newControllerRef } from '../framework/owner-refs.js';
import { isPodActive, isPodReady } from '../framework/pod-state.js';
import { podFromTemplate } from '../framework/pod-template.js';
import { slowStartBatch } from '../framework/slow-start.js';
import { INDEX_ANNOTATION, INDEX_LABEL, parseIndexes, podIndex } from './indexes.js';
import { releasePod, TRACKING_FINALIZER, trackFinishedPods } from './job-tracking.js';

type JobStatus = NonNullable<Job['status']>;

export function isJobFinished(job: Job): boolean {
  return (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export class JobController extends QueueController {
  private readonly jobs: SharedInformer<Job>;
  private readonly pods: SharedInformer<Pod>;
  private readonly expectations = new Expectations();
  private readonly recorder: EventRecorder;
  /** Pods this controller deleted on purpose (not failures): uid set per job key. */
  private readonly released = new Map<string, Set<string>>();
  /** When each job last saw a new failure (local clock), for the recreation backoff. */
  private readonly lastFailure = new Map<string, number>();
  /** The resourceVersion of our last write to each Job: a cache older than that must not drive pod creation. */
  private readonly lastWritten = new Map<string, number>();

  constructor(ctx: ControllerContext) {
    super('job', ctx, ctx.options.workers.job);
    this.recorder = ctx.recorder('job-controller');
    this.jobs = ctx.informers.informer<Job>('batch/v1/jobs');
    this.pods = ownedInformer<Pod>(ctx, 'v1/pods');
    this.jobs.addEventHandler({
      onAdd: (j) => this.enqueue(objectKey(j)),
      onUpdate: (_, j) => this.enqueue(objectKey(j)),
      onDelete: (j) => {
        const key = objectKey(j);
        this.expectations.delete(key);
        this.released.delete(key);
        this.lastFailure.delete(key);
        this.lastWritten.delete(key);
        this.enqueue(key);
      },
    });
    this.pods.addEventHandler(ownedPodEvents('Job', this.expectations, (key) => this.enqueue(key)));
  }


  private event(job: Job, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event({ ...job, apiVersion: 'batch/v1', kind: 'Job' }, type, reason, message);
  }

  protected async sync(key: string): Promise<SyncResult> {
    let job = this.jobs.indexer.get(key);
    if (!job) return this.releaseOrphans(key);
    // Counts we wrote are not in this cached copy yet: acting on it could start pods for completions already
    // counted. The Job's update event brings us back.
    if (Number(job.metadata?.resourceVersion) < (this.lastWritten.get(key) ?? 0)) return;
    const ns = job.metadata!.namespace!;
    const podClient = this.ctx.client.resource<Pod>('v1/pods').namespace(ns);
    const selector = labelSelectorFromObject(job.spec?.selector);
    // Expectations first, pods second (as Kubernetes' syncJob does): a creation observed while this sync awaits
    // its writes would otherwise satisfy them while `pods` still lacks the new pod, and it would be made again.
    const satisfied = this.expectations.satisfied(key);
    const pods = await claimObjects(ownershipCandidates(this.pods, job), { owner: job, ownerApiVersion: 'batch/v1', ownerKind: 'Job', selector, client: podClient });
    const finished = isJobFinished(job);
    const released = this.released.get(key) ?? new Set<string>();
    this.released.set(key, released);
    const tracked = await trackFinishedPods(this.ctx, job, pods, released, finished);
    if (tracked.job !== job) this.wrote(key, tracked.job);
    job = tracked.job;
    if (tracked.newFailures > 0) this.lastFailure.set(key, performance.now());
    const active = pods.filter(isPodActive);
    if (finished) {
      await this.deletePods(key, job, active, podClient);
      return;
    }
    if (!satisfied) return this.writeStatus(job, active, undefined);

    const now = this.ctx.now();
    const status = deepCopy(job.status ?? {}) as JobStatus;
    const failure = this.failure(job, status, tracked.failJobMessage, now);
    if (failure) {
      await this.deletePods(key, job, active, podClient);
      this.event(job, 'Warning', failure.reason, failure.message);
      return this.writeStatus(job, [], { type: 'Failed', reason: failure.reason, message: failure.message });
    }
    if (this.complete(job, status, active)) {
      await this.deletePods(key, job, active, podClient);
      this.event(job, 'Normal', 'Completed', 'Job completed');
      return this.writeStatus(job, [], { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
    }
    if (job.spec?.suspend) {
      await this.deletePods(key, job, active, podClient);
      return this.writeStatus(job, [], undefined);
    }
    const backoff = this.backoffRemaining(key, status);
    if (backoff > 0) {
      await this.writeStatus(job, active, undefined);
      return { requeueAfterMs: backoff };
    }
    await this.manage(key, job, active, podClient);
    const res = await this.writeStatus(job, active, undefined);
    const deadline = this.deadlineRemaining(job, now);
    if (deadline !== undefined) return { requeueAfterMs: deadline };
    return res;
  }

  /**
   * The Job is gone: its pods must not keep the tracking finalizer, or the garbage collector's deletion of them
   * would never finish.
   */
  private async releaseOrphans(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const held = this.pods.indexer.byIndex('namespace', namespace!).filter((p) => {
      const ref = controllerRef(p);
      return ref?.kind === 'Job' && ref.name === name && (p.metadata?.finalizers ?? []).includes(TRACKING_FINALIZER);
    });
    await Promise.all(held.map((p) => releasePod(this.ctx, p)));
  }

  private wrote(key: string, job: Job): void {
    this.lastWritten.set(key, Number(job.metadata?.resourceVersion) || 0);
  }

  private failure(job: Job, status: JobStatus, failJobMessage: string | undefined, now: number): { reason: string; message: string } | undefined {
    if (failJobMessage) return { reason: 'PodFailurePolicy', message: failJobMessage };
    const target = getCondition(status.conditions as Condition[] | undefined, 'FailureTarget');
    if (target?.status === 'True') return { reason: target.reason ?? 'PodFailurePolicy', message: target.message ?? '' };
    const limit = job.spec?.backoffLimit ?? 6;
    if ((status.failed ?? 0) > limit) return { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    const left = this.deadlineRemaining(job, now);
    if (left !== undefined && left <= 0) return { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    return undefined;
  }

  private deadlineRemaining(job: Job, now: number): number | undefined {
    const ads = job.spec?.activeDeadlineSeconds;
    const start = job.status?.startTime;
    if (ads === undefined || ads === null || !start || job.spec?.suspend) return undefined;
    return Date.parse(start) + ads * 1000 - now;
  }

  private complete(job: Job, status: JobStatus, active: Pod[]): boolean {
    const completions = job.spec?.completions;
    if (job.spec?.completionMode === 'Indexed') {
      const done = parseIndexes(status.completedIndexes);
      for (let i = 0; i < (completions ?? 0); i++) if (!done.has(i)) return false;
      return true;
    }
    const succeeded = status.succeeded ?? 0;
    if (completions === undefined || completions === null) return succeeded > 0 && active.length === 0;
    return succeeded >= completions;
  }

  private backoffRemaining(key: string, status: JobStatus): number {
    const failed = status.failed ?? 0;
    const at = this.lastFailure.get(key);
    if (!failed || at === undefined) return 0;
    const o = this.ctx.options;
    const wait = Math.min(o.jobBackoffMaxMs, o.jobBackoffBaseMs * 2 ** (failed - 1));
    return Math.max(0, at + wait - performance.now());
  }

  private async manage(key: string, job: Job, active: Pod[], pods: ResourceClient<Pod>): Promise<void> {
    const parallelism = job.spec?.parallelism ?? 1;
    const completions = job.spec?.completions ?? undefined;
    const toCreate: (number | undefined)[] = [];
    let toDelete: Pod[] = [];
    if (job.spec?.completionMode === 'Indexed') {
      const done = parseIndexes(job.status?.completedIndexes);
      const seen = new Set<number>();
      for (const p of active) {
        const i = podIndex(p);
        if (i === undefined || i >= (completions ?? 0) || seen.has(i) || done.has(i)) toDelete.push(p);
        else seen.add(i);
      }
      const room = parallelism - seen.size;
      for (let i = 0; i < (completions ?? 0) && toCreate.length < room; i++) if (!done.has(i) && !seen.has(i)) toCreate.push(i);
    } else {
      const succeeded = job.status?.succeeded ?? 0;
      const want = completions === undefined ? (succeeded > 0 ? 0 : parallelism) : Math.max(0, Math.min(parallelism, completions - succeeded));
      if (active.length < want) for (let i = active.length; i < want; i++) toCreate.push(undefined);
      else if (active.length > want) toDelete = [...active].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b))).slice(0, active.length - want);
    }
    if (toDelete.length) await this.deletePods(key, job, toDelete, pods);
    if (!toCreate.length) return;
    const n = Math.min(toCreate.length, this.ctx.options.burstReplicas);
    this.expectations.expectCreations(key, n);
    const ref = newControllerRef(job, 'batch/v1', 'Job');
    const { succeeded, error } = await slowStartBatch(n, 1, async (k) => {
      const index = toCreate[k];
      const pod = podFromTemplate(job.spec?.template, ref, {
        generateName: index === undefined ? `${job.metadata!.name}-` : `${job.metadata!.name}-${index}-`,
        finalizers: [TRACKING_FINALIZER],
        ...(index === undefined ? {} : { annotations: { [INDEX_ANNOTATION]: String(index) }, labels: { [INDEX_LABEL]: String(index) } }),
      });
      if (index !== undefined) {
        pod.spec!.hostname ??= `${job.metadata!.name}-${index}`;
        for (const c of pod.spec!.containers ?? []) {
          c.env = [...(c.env ?? []), { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${INDEX_ANNOTATION}']` } } }];
        }
      }
      try {
        const created = await pods.create(pod);
        this.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      } catch (e) {
        this.event(job, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
        throw e;
      }
    });
    if (succeeded < n) this.expectations.creationFailed(key, n - succeeded);
    if (error) throw error;
  }

  private async deletePods(key: string, job: Job, victims: Pod[], pods: ResourceClient<Pod>): Promise<void> {
    if (!victims.length) return;
    const released = this.released.get(key) ?? new Set<string>();
    this.released.set(key, released);
    this.expectations.expectDeletions(key, victims.map(objectKey));
    await Promise.all(
      victims.map(async (p) => {
        released.add(p.metadata!.uid!);
        try {
          await pods.delete(p.metadata!.name!);
          this.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata!.name}`);
        } catch (e) {
          this.expectations.deletionObserved(key, objectKey(p));
          if (!isNotFound(e)) throw e;
        }
      }),
    );
  }

  /** Writes counts of active/ready pods, startTime, completion and conditions when anything changed. */
  private async writeStatus(job: Job, active: Pod[], finish: { type: 'Complete' | 'Failed'; reason: string; message: string } | undefined): Promise<SyncResult> {
    const now = this.ctx.now();
    const status = deepCopy(job.status ?? {}) as JobStatus;
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.succeeded ??= 0;
    status.failed ??= 0;
    status.uncountedTerminatedPods ??= {};
    if (job.spec?.completionMode === 'Indexed') status.completedIndexes ??= '';
    let conditions = (status.conditions ?? []) as Condition[];
    if (job.spec?.suspend) {
      if (getCondition(conditions, 'Suspended')?.status !== 'True') {
        conditions = setCondition(conditions, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, now);
        this.event(job, 'Normal', 'Suspended', 'Job suspended');
      }
      delete status.startTime;
    } else {
      if (getCondition(conditions, 'Suspended')?.status === 'True') {
        conditions = setCondition(conditions, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, now);
        this.event(job, 'Normal', 'Resumed', 'Job resumed');
      }
      status.startTime ??= rfc3339(now);
    }
    if (finish) {
      const interim = finish.type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget';
      conditions = setCondition(conditions, { type: interim, status: 'True', reason: finish.reason, message: finish.message, lastProbeTime: rfc3339(now) }, now);
      conditions = setCondition(conditions, { type: finish.type, status: 'True', reason: finish.reason, message: finish.message, lastProbeTime: rfc3339(now) }, now);
      if (finish.type === 'Complete') status.completionTime = rfc3339(now);
      status.active = 0;
      status.ready = 0;
    }
    if (conditions.length) status.conditions = conditions as JobStatus['conditions'];
    if (jsonEqual(status, job.status ?? {})) return;
    try {
      this.wrote(objectKey(job), await this.ctx.client.resource<Job>('batch/v1/jobs').namespace(job.metadata!.namespace!).updateStatus({ ...deepCopy(job), status }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
