/**
 * Counting a Job's finished pods exactly once, even across restarts and pods deleted by others: every Job pod is
 * created with the finalizer batch.kubernetes.io/job-tracking, and a finished pod is counted in three steps.
 *
 *   1. its uid goes into status.uncountedTerminatedPods (written before anything else);
 *   2. its finalizer is removed (the pod may now disappear);
 *   3. uids whose finalizer is gone move from uncountedTerminatedPods into succeeded / failed
 *      (and completedIndexes for Indexed Jobs).
 *
 * A crash between steps loses nothing: step 1's record survives in the Job, and a pod still holding the finalizer
 * is still there to be seen. Failed pods go through the Job's podFailurePolicy first: Ignore releases the pod
 * without counting it, FailJob counts it and fails the Job.
 */
import { deepCopy, type Job, type Pod } from '@skiff/api';
import { isConflict, isNotFound } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { setCondition, type Condition } from '../framework/conditions.js';
import { formatIndexes, parseIndexes, podIndex } from './indexes.js';
import { decideFailure, type PodFailurePolicyRule } from './pod-failure-policy.js';

export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

export interface TrackingResult {
  job: Job;
  /** Set when a failed pod matched a FailJob rule. */
  failJobMessage?: string;
  /** Pods counted as failed in this sync (for the recreation backoff). */
  newFailures: number;
}

function hasFinalizer(p: Pod): boolean {
  return (p.metadata?.finalizers ?? []).includes(TRACKING_FINALIZER);
}

/** Removes the tracking finalizer; false when the pod changed meanwhile (the next sync tries again). */
export async function releasePod(ctx: ControllerContext, p: Pod): Promise<boolean> {
  const finalizers = (p.metadata?.finalizers ?? []).filter((f) => f !== TRACKING_FINALIZER);
  try {
    await ctx.client
      .resource<Pod>('v1/pods')
      .namespace(p.metadata!.namespace!)
      .patch(p.metadata!.name!, { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: p.metadata!.resourceVersion } }, 'merge');
    return true;
  } catch (e) {
    if (isNotFound(e)) return true;
    if (isConflict(e)) return false;
    throw e;
  }
}

/**
 * Runs the three steps for `pods` (the Job's claimed pods). `released` are pods this controller deleted on
 * purpose: their finalizer goes without counting them. With `finished`, nothing more is counted.
 */
export async function trackFinishedPods(ctx: ControllerContext, job: Job, pods: Pod[], released: Set<string>, finished: boolean): Promise<TrackingResult> {
  const jobs = ctx.client.resource<Job>('batch/v1/jobs').namespace(job.metadata!.namespace!);
  const uncounted = {
    succeeded: [...(job.status?.uncountedTerminatedPods?.succeeded ?? [])],
    failed: [...(job.status?.uncountedTerminatedPods?.failed ?? [])],
  };
  const known = new Set([...uncounted.succeeded, ...uncounted.failed]);
  const indexed = job.spec?.completionMode === 'Indexed';
  const completions = job.spec?.completions ?? undefined;
  const completed = parseIndexes(job.status?.completedIndexes);
  const rules = job.spec?.podFailurePolicy?.rules as PodFailurePolicyRule[] | undefined;
  const releaseOnly: Pod[] = [];
  let failJobMessage: string | undefined;
  let newFailures = 0;
  const acceptedIndexes = new Set<number>();

  // Step 1: record newly finished pods.
  for (const p of pods) {
    const uid = p.metadata!.uid!;
    if (!hasFinalizer(p) || known.has(uid)) continue;
    const phase = p.status?.phase;
    const deleting = !!p.metadata?.deletionTimestamp;
    if (phase === 'Succeeded') {
      const i = podIndex(p);
      const useful = !finished && (!indexed || (i !== undefined && i < (completions ?? 0) && !completed.has(i) && !acceptedIndexes.has(i)));
      if (useful) {
        uncounted.succeeded.push(uid);
        if (i !== undefined) acceptedIndexes.add(i);
      }
      else releaseOnly.push(p);
    } else if (phase === 'Failed' || (deleting && !released.has(uid))) {
      if (finished) {
        releaseOnly.push(p);
        continue;
      }
      const decision = phase === 'Failed' ? decideFailure(p, rules) : { action: 'Count' as const };
      if (decision.action === 'Ignore') {
        releaseOnly.push(p);
        continue;
      }
      if (decision.action === 'FailJob') failJobMessage ??= decision.message;
      uncounted.failed.push(uid);
      newFailures++;
    } else if (deleting) releaseOnly.push(p);
  }
  let current = job;
  const before = job.status?.uncountedTerminatedPods;
  if (uncounted.succeeded.length !== (before?.succeeded?.length ?? 0) || uncounted.failed.length !== (before?.failed?.length ?? 0)) {
    const status = { ...current.status, uncountedTerminatedPods: uncounted };
    // A FailJob verdict is recorded with the pod that caused it: once the pod is released it cannot be made again.
    if (failJobMessage) {
      status.conditions = setCondition((status.conditions ?? []) as Condition[], { type: 'FailureTarget', status: 'True', reason: 'PodFailurePolicy', message: failJobMessage }, ctx.now()) as typeof status.conditions;
    }
    current = await jobs.updateStatus({ ...deepCopy(current), status });
  }

  // Step 2: release them.
  const byUid = new Map(pods.map((p) => [p.metadata!.uid!, p]));
  const done = new Set<string>();
  await Promise.all(
    [...uncounted.succeeded, ...uncounted.failed].map(async (uid) => {
      const p = byUid.get(uid);
      if (!p || !hasFinalizer(p) || (await releasePod(ctx, p))) done.add(uid);
    }),
  );
  await Promise.all(releaseOnly.map((p) => releasePod(ctx, p)));

  // Step 3: count what was released.
  if (done.size === 0) return { job: current, failJobMessage, newFailures };
  const status = deepCopy(current.status ?? {});
  const moveSucceeded = uncounted.succeeded.filter((u) => done.has(u));
  const moveFailed = uncounted.failed.filter((u) => done.has(u));
  status.succeeded = (status.succeeded ?? 0) + moveSucceeded.length;
  status.failed = (status.failed ?? 0) + moveFailed.length;
  if (indexed) {
    for (const uid of moveSucceeded) {
      const i = byUid.get(uid) && podIndex(byUid.get(uid)!);
      if (i !== undefined) completed.add(i);
    }
    status.completedIndexes = formatIndexes(completed);
  }
  status.uncountedTerminatedPods = {
    succeeded: uncounted.succeeded.filter((u) => !done.has(u)),
    failed: uncounted.failed.filter((u) => !done.has(u)),
  };
  current = await jobs.updateStatus({ ...deepCopy(current), status });
  return { job: current, failJobMessage, newFailures };
}
