import type { CronJob, Event, Job, Pod } from '@skiff/api';
import { waitFor } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import type { PodOutcome } from '../../test-util/node-simulator.js';
import { podSpec } from '../../test-util/objects.js';

// The controllers run on a clock the test moves: schedules fire without waiting for real minutes to pass.
let skewMs = 0;
const clock = () => Date.now() + skewMs;
let tc: TestCluster;
const outcomes = new Map<string, (p: Pod) => PodOutcome>();

beforeAll(async () => {
  tc = await startTestCluster({ manager: { now: clock } });
  tc.nodes.behaviour = (p) => outcomes.get(p.metadata!.namespace!)?.(p) ?? { phase: 'Succeeded' };
});
afterAll(async () => tc?.close());

const cronJobs = (ns: string) => tc.client.resource<CronJob>('batch/v1/cronjobs').namespace(ns);
const jobs = (ns: string) => tc.client.resource<Job>('batch/v1/jobs').namespace(ns);

function cronJob(name: string, spec: Partial<NonNullable<CronJob['spec']>> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { ...podSpec(), restartPolicy: 'Never' } } } }, ...spec },
  };
}

/** Moves the controllers' clock to `secondsPast` seconds after the next minute boundary, and pokes the CronJob. */
async function nextMinute(ns: string, name: string, secondsPast = 1): Promise<number> {
  const now = clock();
  const boundary = Math.floor(now / 60_000) * 60_000 + 60_000;
  skewMs += boundary + secondsPast * 1000 - now;
  await cronJobs(ns).patch(name, { metadata: { annotations: { 'test/poke': String(boundary) } } }, 'merge');
  return boundary;
}

async function eventReasons(ns: string, name: string): Promise<string[]> {
  const evs = (await tc.client.resource<Event>('v1/events').namespace(ns).list({ fieldSelector: `involvedObject.name=${name}` })).items;
  return evs.map((e) => e.reason!);
}

describe('CronJob controller', () => {
  it('creates a Job named after the scheduled minute, tracks it as active, then records its success', async () => {
    const ns = await tc.namespace('cj-basic');
    await cronJobs(ns).create(cronJob('tick'));
    const boundary = await nextMinute(ns, 'tick');
    const job = await waitFor('the scheduled job', async () => (await jobs(ns).list()).items[0]);
    expect(job.metadata?.name).toBe(`tick-${boundary / 60_000}`);
    expect(job.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(new Date(boundary).toISOString().replace('.000Z', 'Z'));
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'tick', controller: true });
    const cj = await waitFor('lastSuccessfulTime', async () => {
      const c = await cronJobs(ns).get('tick');
      return c.status?.lastSuccessfulTime ? c : undefined;
    }, { timeoutMs: 20_000 });
    expect(cj.status?.lastScheduleTime).toBe(new Date(boundary).toISOString().replace('.000Z', 'Z'));
    expect(cj.status?.active ?? []).toEqual([]);
    expect(await eventReasons(ns, 'tick')).toEqual(expect.arrayContaining(['SuccessfulCreate', 'SawCompletedJob']));
  });

  it('skips a run while one is active with Forbid, and replaces it with Replace', async () => {
    const ns = await tc.namespace('cj-concurrency');
    outcomes.set(ns, () => 'ready');
    await cronJobs(ns).create(cronJob('forbid', { concurrencyPolicy: 'Forbid' }));
    await nextMinute(ns, 'forbid');
    await waitFor('the first job', async () => (await jobs(ns).list()).items.length === 1);
    const b2 = await nextMinute(ns, 'forbid');
    await waitFor('the cronjob synced at the new minute', async () => (await cronJobs(ns).get('forbid')).metadata?.annotations?.['test/poke'] === String(b2) && (await cronJobs(ns).get('forbid')).status?.active?.length === 1);
    expect((await jobs(ns).list()).items).toHaveLength(1);

    // Under Replace the running job gives way to the newest scheduled one.
    await cronJobs(ns).patch('forbid', { spec: { concurrencyPolicy: 'Replace' } }, 'merge');
    const b3 = await nextMinute(ns, 'forbid');
    const want = `forbid-${b3 / 60_000}`;
    await waitFor('only the job of the latest minute, listed as active', async () => {
      const live = (await jobs(ns).list()).items.filter((j) => !j.metadata?.deletionTimestamp);
      const active = (await cronJobs(ns).get('forbid')).status?.active ?? [];
      return live.length === 1 && live[0]!.metadata?.name === want && active.length === 1 && active[0]!.name === want;
    });
  });

  it('keeps successfulJobsHistoryLimit finished jobs', async () => {
    const ns = await tc.namespace('cj-history');
    await cronJobs(ns).create(cronJob('hist', { successfulJobsHistoryLimit: 1 }));
    for (let i = 0; i < 3; i++) {
      await nextMinute(ns, 'hist');
      await waitFor(`run ${i + 1} to complete`, async () => {
        const c = await cronJobs(ns).get('hist');
        return c.status?.lastSuccessfulTime && !(c.status.active ?? []).length && c.status.lastScheduleTime === new Date(Math.floor(clock() / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
      }, { timeoutMs: 20_000 });
    }
    await waitFor('history pruned to one job', async () => (await jobs(ns).list()).items.filter((j) => !j.metadata?.deletionTimestamp).length === 1);
  });

  it('creates nothing while suspended, and reports a start missed past startingDeadlineSeconds', async () => {
    const ns = await tc.namespace('cj-suspend');
    await cronJobs(ns).create(cronJob('paused', { suspend: true }));
    await nextMinute(ns, 'paused');
    await cronJobs(ns).create(cronJob('late', { startingDeadlineSeconds: 10 }));
    await nextMinute(ns, 'late', 30);
    await waitFor('the MissSchedule event', async () => (await eventReasons(ns, 'late')).includes('MissSchedule'));
    expect((await jobs(ns).list()).items).toHaveLength(0);
  });
});
