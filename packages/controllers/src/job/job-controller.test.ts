import type { Job, Pod } from '@skiff/api';
import { kubectlFor, waitFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import type { PodOutcome } from '../../test-util/node-simulator.js';
import { podSpec } from '../../test-util/objects.js';

let tc: TestCluster;
let kubectl: Kubectl;
/** Per namespace: what this test's pods do on the simulated node. */
const outcomes = new Map<string, (p: Pod) => PodOutcome>();

beforeAll(async () => {
  tc = await startTestCluster({ manager: { jobBackoffBaseMs: 20, jobBackoffMaxMs: 200 } });
  tc.nodes.behaviour = (p) => outcomes.get(p.metadata!.namespace!)?.(p) ?? 'ready';
  kubectl = kubectlFor(tc.server.url);
});
afterAll(async () => {
  kubectl?.cleanup();
  await tc?.close();
});

const jobs = (ns: string) => tc.client.resource<Job>('batch/v1/jobs').namespace(ns);
const pods = (ns: string) => tc.client.resource<Pod>('v1/pods').namespace(ns);

function job(name: string, spec: Partial<NonNullable<Job['spec']>> = {}): Job {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { template: { spec: { ...podSpec(), restartPolicy: 'Never' } }, ...spec } };
}

async function finished(ns: string, name: string, type: 'Complete' | 'Failed'): Promise<Job> {
  return waitFor(`job ${name} ${type}`, async () => {
    const j = await jobs(ns).get(name);
    return j.status?.conditions?.some((c) => c.type === type && c.status === 'True') ? j : undefined;
  }, { timeoutMs: 20_000 });
}

const succeed: PodOutcome = { phase: 'Succeeded' };

describe('Job controller', () => {
  it('runs its completions and completes, counting each pod once', async () => {
    const ns = await tc.namespace('job-complete');
    outcomes.set(ns, () => succeed);
    await jobs(ns).create(job('work', { completions: 5, parallelism: 2 }));
    const done = await finished(ns, 'work', 'Complete');
    expect(done.status, JSON.stringify(done.status)).toMatchObject({ succeeded: 5, failed: 0, active: 0 });
    expect(done.status?.completionTime).toBeTruthy();
    expect(done.status?.uncountedTerminatedPods ?? {}).toEqual({ succeeded: [], failed: [] });
    const ps = (await pods(ns).list()).items;
    expect(ps).toHaveLength(5);
    for (const p of ps) expect(p.metadata?.finalizers ?? []).not.toContain('batch.kubernetes.io/job-tracking');
    await kubectl.ok(['wait', '--for=condition=complete', 'job/work', '-n', ns, '--timeout=30s']);
    expect(await kubectl.ok(['describe', 'job', 'work', '-n', ns])).toMatch(/Pods Statuses:\s+0 Active \(0 Ready\) \/ 5 Succeeded \/ 0 Failed/);
  });

  it('never has more than parallelism pods active at once', async () => {
    const ns = await tc.namespace('job-parallel');
    outcomes.set(ns, () => 'ready');
    await jobs(ns).create(job('par', { completions: 6, parallelism: 3 }));
    await waitFor('3 active', async () => (await jobs(ns).get('par')).status?.active === 3);
    expect((await pods(ns).list()).items).toHaveLength(3);
    // Let them finish one by one: each success makes room for exactly one more.
    outcomes.set(ns, () => succeed);
    for (const p of (await pods(ns).list()).items) {
      await pods(ns).updateStatus({ ...p, status: { ...p.status, phase: 'Succeeded' } });
    }
    const done = await finished(ns, 'par', 'Complete');
    expect(done.status?.succeeded).toBe(6);
    expect((await pods(ns).list()).items.length).toBe(6);
  });

  it('fails with BackoffLimitExceeded once failures exceed backoffLimit', async () => {
    const ns = await tc.namespace('job-backoff');
    outcomes.set(ns, () => ({ phase: 'Failed', exitCode: 1 }));
    await jobs(ns).create(job('flaky', { backoffLimit: 2 }));
    const failed = await finished(ns, 'flaky', 'Failed');
    expect(failed.status?.failed).toBe(3);
    expect(failed.status?.conditions?.find((c) => c.type === 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect((await pods(ns).list()).items).toHaveLength(3);
  });

  it('gives Indexed pods their completion index and completes when every index succeeded', async () => {
    const ns = await tc.namespace('job-indexed');
    outcomes.set(ns, () => succeed);
    await jobs(ns).create(job('idx', { completions: 4, parallelism: 4, completionMode: 'Indexed' }));
    const done = await finished(ns, 'idx', 'Complete');
    expect(done.status?.completedIndexes).toBe('0-3');
    const ps = (await pods(ns).list()).items;
    const indexes = ps.map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    expect(indexes).toEqual(['0', '1', '2', '3']);
    for (const p of ps) {
      const i = p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'];
      expect(p.metadata?.name).toMatch(new RegExp(`^idx-${i}-[a-z0-9]{5}$`));
      expect(p.spec?.hostname).toBe(`idx-${i}`);
      expect(p.spec?.containers[0]?.env?.find((e) => e.name === 'JOB_COMPLETION_INDEX')?.valueFrom?.fieldRef?.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    }
  });

  it('applies podFailurePolicy: Ignore does not count, FailJob fails at once', async () => {
    const ns = await tc.namespace('job-policy');
    let attempts = 0;
    outcomes.set(ns, () => (++attempts === 1 ? { phase: 'Failed', exitCode: 5 } : { phase: 'Failed', exitCode: 42 }));
    await jobs(ns).create(
      job('pfp', {
        backoffLimit: 10,
        podFailurePolicy: {
          rules: [
            { action: 'Ignore', onExitCodes: { operator: 'In', values: [5] } },
            { action: 'FailJob', onExitCodes: { containerName: 'app', operator: 'In', values: [42] } },
          ],
        },
      }),
    );
    const failed = await finished(ns, 'pfp', 'Failed');
    const cond = failed.status?.conditions?.find((c) => c.type === 'Failed');
    expect(cond?.reason).toBe('PodFailurePolicy');
    expect(cond?.message).toMatch(/^Container app for pod job-policy\/pfp-\S+ failed with exit code 42 matching FailJob rule at index 1$/);
    expect(failed.status?.failed).toBe(1);
    expect((await pods(ns).list()).items).toHaveLength(2);
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds and deletes its running pods', async () => {
    const ns = await tc.namespace('job-deadline');
    outcomes.set(ns, () => 'ready');
    await jobs(ns).create(job('slow', { activeDeadlineSeconds: 1, parallelism: 2, completions: 2 }));
    const failed = await finished(ns, 'slow', 'Failed');
    expect(failed.status?.conditions?.find((c) => c.type === 'Failed')?.reason).toBe('DeadlineExceeded');
    await waitFor('its pods gone', async () => (await pods(ns).list()).items.length === 0);
  });

  it('suspends (no pods) and resumes', async () => {
    const ns = await tc.namespace('job-suspend');
    outcomes.set(ns, () => 'ready');
    await jobs(ns).create(job('later', { suspend: true, parallelism: 2, completions: 2 }));
    const suspended = await waitFor('the Suspended condition', async () => {
      const j = await jobs(ns).get('later');
      return j.status?.conditions?.find((c) => c.type === 'Suspended' && c.status === 'True') ? j : undefined;
    });
    expect(suspended.status?.active ?? 0).toBe(0);
    expect((await pods(ns).list()).items).toHaveLength(0);
    outcomes.set(ns, () => succeed);
    await jobs(ns).patch('later', { spec: { suspend: false } }, 'merge');
    await finished(ns, 'later', 'Complete');
  });

  it('releases the pods of a deleted running Job, so they can go', async () => {
    const ns = await tc.namespace('job-deleted');
    outcomes.set(ns, () => 'ready');
    await jobs(ns).create(job('doomed', { parallelism: 2, completions: 2 }));
    await waitFor('2 active', async () => (await jobs(ns).get('doomed')).status?.active === 2);
    await jobs(ns).delete('doomed', { propagationPolicy: 'Background' });
    await waitFor('its pods gone, not stuck on the tracking finalizer', async () => (await pods(ns).list()).items.length === 0, { timeoutMs: 15_000 });
  });

  it('deletes a finished Job after ttlSecondsAfterFinished, pods and all', async () => {
    const ns = await tc.namespace('job-ttl');
    outcomes.set(ns, () => succeed);
    await jobs(ns).create(job('short-lived', { ttlSecondsAfterFinished: 1 }));
    await finished(ns, 'short-lived', 'Complete');
    await waitFor('the job and its pod gone', async () => (await jobs(ns).list()).items.length === 0 && (await pods(ns).list()).items.length === 0, { timeoutMs: 15_000 });
  });
});
