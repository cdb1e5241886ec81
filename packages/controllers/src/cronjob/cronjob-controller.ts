/**
 * The CronJob controller: creates a Job at each scheduled time.
 *
 * One sync: bring status up to date (active Jobs, lastSuccessfulTime), prune finished Jobs beyond the history
 * limits (successful 3, failed 1), then, unless suspended, find the most recent scheduled time since the last one
 * (or creation) that has passed:
 *   - later than startingDeadlineSeconds: missed (MissSchedule event), wait for the next;
 *   - concurrencyPolicy Forbid with a Job still running: skipped; Replace: the running Jobs are deleted first;
 *   - otherwise a Job `<cronjob>-<minutes since the epoch>` is created (the name makes a retry idempotent).
 * More than 100 missed times (without a starting deadline) are reported (TooManyMissedTimes); only the most recent
 * one is considered, as in Kubernetes.
 * The sync comes back at the next scheduled time.
 */
import { deepCopy, jsonEqual, type CronJob, type Job } from '@skiff/api';
import { isAlreadyExists, isNotFound, objectKey, type EventRecorder, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { rfc3339 } from '../framework/conditions.js';
import { controlledBy, ownedInformer } from '../framework/owned-objects.js';
import { controllerRef, newControllerRef } from '../framework/owner-refs.js';
import { isJobFinished } from '../job/job-controller.js';
import { CronSchedule } from './cron-schedule.js';

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const MAX_MISSED = 100;

type CronJobStatus = NonNullable<CronJob['status']>;

function jobCondition(job: Job): 'Complete' | 'Failed' | undefined {
  const c = (job.status?.conditions ?? []).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type as 'Complete' | 'Failed' | undefined;
}

export class CronJobController extends QueueController {
  private readonly cronJobs: SharedInformer<CronJob>;
  private readonly jobs: SharedInformer<Job>;
  private readonly recorder: EventRecorder;
  private readonly schedules = new Map<string, CronSchedule>();

  constructor(ctx: ControllerContext) {
    super('cronjob', ctx, ctx.options.workers.cronjob);
    this.recorder = ctx.recorder('cronjob-controller');
    this.cronJobs = ctx.informers.informer<CronJob>('batch/v1/cronjobs');
    this.jobs = ownedInformer<Job>(ctx, 'batch/v1/jobs');
    this.cronJobs.addEventHandler({ onAdd: (c) => this.enqueue(objectKey(c)), onUpdate: (_, c) => this.enqueue(objectKey(c)) });
    const jobChanged = (j: Job) => {
      const ref = controllerRef(j);
      if (ref?.kind === 'CronJob') this.enqueue(`${j.metadata!.namespace}/${ref.name}`);
    };
    this.jobs.addEventHandler({ onAdd: jobChanged, onUpdate: (_, j) => jobChanged(j), onDelete: jobChanged });
  }

  private event(cj: CronJob, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event({ ...cj, apiVersion: 'batch/v1', kind: 'CronJob' }, type, reason, message);
  }

  private schedule(cj: CronJob): CronSchedule {
    const spec = cj.spec!.schedule;
    const zone = cj.spec?.timeZone ?? 'UTC';
    const k = `${zone}|${spec}`;
    let s = this.schedules.get(k);
    if (!s) this.schedules.set(k, (s = new CronSchedule(spec, zone)));
    return s;
  }

  protected async sync(key: string): Promise<SyncResult> {
    const cj = this.cronJobs.indexer.get(key);
    if (!cj) return;
    const ns = cj.metadata!.namespace!;
    const now = this.ctx.now();
    const jobs = controlledBy(this.jobs, cj);
    const status = deepCopy(cj.status ?? {}) as CronJobStatus;
    const running = jobs.filter((j) => !isJobFinished(j) && !j.metadata?.deletionTimestamp);
    for (const j of jobs) {
      if (jobCondition(j) !== 'Complete') continue;
      const done = j.status?.completionTime;
      if (done && (!status.lastSuccessfulTime || Date.parse(done) > Date.parse(status.lastSuccessfulTime))) status.lastSuccessfulTime = done;
    }
    const wasActive = new Set((cj.status?.active ?? []).map((r) => r.uid));
    for (const j of jobs) {
      const c = jobCondition(j);
      if (c && wasActive.has(j.metadata!.uid)) this.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata!.name}, condition: ${c}`);
    }
    status.active = running.map((j) => ({ apiVersion: 'batch/v1', kind: 'Job', name: j.metadata!.name, namespace: ns, uid: j.metadata!.uid, resourceVersion: j.metadata!.resourceVersion }));
    await this.pruneHistory(cj, jobs);

    let schedule: CronSchedule;
    try {
      schedule = this.schedule(cj);
    } catch (e) {
      this.event(cj, 'Warning', 'UnparseableSchedule', (e as Error).message);
      await this.writeStatus(cj, status);
      return;
    }
    if (cj.metadata?.deletionTimestamp || cj.spec?.suspend) {
      await this.writeStatus(cj, status);
      return;
    }
    const deadline = cj.spec?.startingDeadlineSeconds;
    // The most recent time due since the last run; whether it is too late to start is decided after.
    const earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata!.creationTimestamp!);
    let scheduled: number | undefined;
    let missed = 0;
    for (let t = schedule.next(earliest); t !== undefined && t <= now; t = schedule.next(t)) {
      scheduled = t;
      if (++missed > MAX_MISSED) {
        // Jump to the latest time without walking every missed one.
        for (let u = schedule.next(now - 60_000); u !== undefined && u <= now; u = schedule.next(u)) scheduled = u;
        break;
      }
    }
    if (missed > MAX_MISSED && (deadline === undefined || deadline === null)) this.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    const nextRun = schedule.next(now);
    const requeue: SyncResult = nextRun === undefined ? undefined : { requeueAfterMs: Math.max(100, nextRun - now + 50) };
    if (scheduled === undefined) {
      await this.writeStatus(cj, status);
      return requeue;
    }
    if (deadline !== undefined && deadline !== null && now - scheduled > deadline * 1000) {
      this.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc3339(scheduled)}`);
      await this.writeStatus(cj, status);
      return requeue;
    }
    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && running.length) {
      this.log.debug({ cronjob: key, scheduled: rfc3339(scheduled) }, 'skipping: a job is still running (Forbid)');
      await this.writeStatus(cj, status);
      return requeue;
    }
    if (policy === 'Replace') {
      for (const j of running) {
        await this.ctx.client.resource<Job>('batch/v1/jobs').namespace(ns).delete(j.metadata!.name!, { propagationPolicy: 'Background' }).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
        this.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata!.name}`);
      }
      status.active = [];
    }
    const job = await this.createJob(cj, scheduled);
    status.active = [...(status.active ?? []), { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata!.name, namespace: ns, uid: job.metadata!.uid, resourceVersion: job.metadata!.resourceVersion }];
    status.lastScheduleTime = rfc3339(scheduled);
    await this.writeStatus(cj, status);
    return requeue;
  }

  private async createJob(cj: CronJob, scheduled: number): Promise<Job> {
    const tmpl = cj.spec!.jobTemplate;
    const name = `${cj.metadata!.name}-${Math.floor(scheduled / 60_000)}`;
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata!.namespace,
        labels: { ...(tmpl.metadata?.labels ?? {}) },
        annotations: { ...(tmpl.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP]: rfc3339(scheduled) },
        ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
      },
      spec: deepCopy(tmpl.spec),
    };
    const jobs = this.ctx.client.resource<Job>('batch/v1/jobs').namespace(cj.metadata!.namespace!);
    try {
      const created = await jobs.create(job);
      this.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
      return created;
    } catch (e) {
      if (!isAlreadyExists(e)) {
        this.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
        throw e;
      }
      return jobs.get(name);
    }
  }

  private async pruneHistory(cj: CronJob, jobs: Job[]): Promise<void> {
    const limits = { Complete: cj.spec?.successfulJobsHistoryLimit ?? 3, Failed: cj.spec?.failedJobsHistoryLimit ?? 1 };
    for (const kind of ['Complete', 'Failed'] as const) {
      const done = jobs
        .filter((j) => jobCondition(j) === kind && !j.metadata?.deletionTimestamp)
        .sort((a, b) => Date.parse(a.status?.startTime ?? a.metadata!.creationTimestamp!) - Date.parse(b.status?.startTime ?? b.metadata!.creationTimestamp!));
      for (const j of done.slice(0, Math.max(0, done.length - limits[kind]))) {
        await this.ctx.client
          .resource<Job>('batch/v1/jobs')
          .namespace(cj.metadata!.namespace!)
          .delete(j.metadata!.name!, { propagationPolicy: 'Background' })
          .catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
        this.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata!.name}`);
      }
    }
  }

  private async writeStatus(cj: CronJob, status: CronJobStatus): Promise<void> {
    if (!status.active?.length) delete status.active;
    if (jsonEqual(status, cj.status ?? {})) return;
    try {
      await this.ctx.client.resource<CronJob>('batch/v1/cronjobs').namespace(cj.metadata!.namespace!).updateStatus({ ...deepCopy(cj), status });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
