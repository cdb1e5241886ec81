import type { V1Pod } from '@kubernetes/client-node';
import type { Event, Pod } from '@skiff/api';
import { silentLogger } from '@skiff/client';
import { waitFor } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../test-util/builders.js';
import { startLiveCluster, type LiveCluster } from '../../test-util/live-cluster.js';
import { podKey } from '../cache/scheduler-cache.js';
import { Scheduler } from '../framework/scheduler.js';
import { Binder } from './binder.js';
import { QueueEntryTimes } from './metrics/queue-entry-times.js';
import { SchedulerMetrics } from './metrics/scheduler-metrics.js';
import { SchedulingEvents } from './scheduling-events.js';

let cluster: LiveCluster;
beforeAll(async () => {
  cluster = await startLiveCluster();
});
afterAll(() => cluster.close());

/** A scheduler that has assumed `pod` (as the API server returned it) on node n1, and a binder for it. */
function setup(pod: Pod, current: () => Pod | undefined) {
  const scheduler = new Scheduler({ engine: 'ts', seed: 1 });
  scheduler.addNode(makeNode('n1').obj());
  scheduler.addPod(pod as V1Pod);
  const r = scheduler.scheduleOne();
  expect(r?.kind).toBe('scheduled');
  expect(scheduler.cache.get(podKey(pod as V1Pod))?.assumed).toBe(true);
  const metrics = new SchedulerMetrics({ scheduler, bindingsInFlight: () => 0, isLeading: () => true, leaseName: 'kube-scheduler' });
  const events = new SchedulingEvents(cluster.client, silentLogger);
  const binder = new Binder({
    pods: cluster.pods,
    scheduler,
    currentPod: () => current() as V1Pod | undefined,
    events,
    metrics,
    entryTimes: new QueueEntryTimes(),
    logger: silentLogger,
    concurrency: 4,
    retryAfterMs: 20,
    onSettled: () => {},
  });
  return { scheduler, binder, metrics, events };
}

describe('Binder', () => {
  it('binds the assumed pod and keeps it accounted until the informer confirms it', async () => {
    const pod = await cluster.addPod(makePod('ok').obj());
    const { scheduler, binder, metrics } = setup(pod, () => pod);
    binder.bind(pod as V1Pod, 'n1', 'default-scheduler');
    await binder.idle();
    expect((await cluster.getPod('ok')).spec?.nodeName).toBe('n1');
    expect(scheduler.cache.get('default/ok')).toMatchObject({ assumed: true, bindingFinished: true, nodeName: 'n1' });
    expect(binder.bound).toBe(1);
    expect(metrics.bindDuration.count({ extension_point: 'Bind', status: 'Success', profile: 'default-scheduler' })).toBe(1);
  });

  it('forgets the assume at once and requeues the pod after the backoff when the binding is refused', async () => {
    // A finalizer keeps the deleted pod around, and the server refuses to bind a pod being deleted.
    const created = await cluster.addPod({ ...makePod('refused').obj(), metadata: { name: 'refused', namespace: 'default', finalizers: ['test/hold'] } });
    await cluster.pods.namespace('default').delete('refused');
    const terminating = await cluster.getPod('refused');
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    const { scheduler, binder, events, metrics } = setup(created, () => terminating);
    binder.bind(created as V1Pod, 'n1', 'default-scheduler');
    await binder.idle();
    expect(binder.failed).toBe(1);
    expect(metrics.attempts.get({ result: 'error', profile: 'default-scheduler' })).toBe(1);
    expect(scheduler.cache.get('default/refused')).toBeUndefined();
    await waitFor('the pod back in the queue', () => scheduler.queue.has('default/refused'));
    await events.flush();
    const evs = await cluster.client.resource<Event>('v1/events').namespace('default').list({ fieldSelector: 'involvedObject.name=refused' });
    expect(evs.items.map((e) => `${e.reason}: ${e.message}`)).toEqual([expect.stringMatching(/^FailedScheduling: Binding rejected: .*being deleted/)]);
    await cluster.pods.namespace('default').patch('refused', { metadata: { finalizers: null } }, 'merge');
  });

  it('drops the assume without retrying when the pod is gone', async () => {
    const pod = await cluster.addPod(makePod('gone').obj());
    await cluster.pods.namespace('default').delete('gone');
    const { scheduler, binder, metrics } = setup(pod, () => undefined);
    binder.bind(pod as V1Pod, 'n1', 'default-scheduler');
    await binder.idle();
    expect(binder.failed).toBe(1);
    expect(scheduler.cache.get('default/gone')).toBeUndefined();
    // A refused binding counts as an error attempt at once; a vanished pod is no attempt at all.
    expect(metrics.attempts.get({ result: 'error', profile: 'default-scheduler' })).toBe(0);
    expect(scheduler.queue.has('default/gone')).toBe(false);
  });
});
