import type { ConfigMap, Event } from '@skiff/api';
import { kubectlFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/api-server.js';
import { EventRecorder } from './event-recorder.js';

let tc: TestCluster;
let kubectl: Kubectl;
beforeAll(async () => {
  tc = await startTestCluster();
  kubectl = kubectlFor(tc.server.url);
  await tc.client.resource('v1/namespaces').create({ metadata: { name: 'ev' } });
});
afterAll(async () => {
  kubectl?.cleanup();
  await tc?.close();
});

async function subject(name: string): Promise<ConfigMap> {
  const cm = await tc.client.resource<ConfigMap>('v1/configmaps').namespace('ev').create({ metadata: { name }, data: {} });
  return { ...cm, apiVersion: 'v1', kind: 'ConfigMap' };
}

async function eventsAbout(name: string): Promise<Event[]> {
  const list = await tc.client.resource<Event>('v1/events').namespace('ev').list({ fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

describe('EventRecorder against a live API server', () => {
  it('counts repeats on one event, which kubectl describe shows as (x16 over 8m52s)', async () => {
    const obj = await subject('repeated');
    // Sixteen repeats over 8m52s of (pretend) wall clock: the first at t0, the last 532 s later.
    const t0 = Date.now() - 532_000;
    const times = Array.from({ length: 16 }, (_, i) => t0 + Math.round((532_000 * i) / 15));
    let i = 0;
    const rec = new EventRecorder({ client: tc.client, component: 'test-controller', now: () => times[i++]! });
    for (let n = 0; n < 16; n++) rec.event(obj, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await rec.flush();
    const evs = await eventsAbout('repeated');
    expect(evs).toHaveLength(1);
    expect(evs[0]!.count).toBe(16);
    expect(evs[0]!.source?.component).toBe('test-controller');
    expect(Date.parse(evs[0]!.lastTimestamp!) - Date.parse(evs[0]!.firstTimestamp!)).toBeGreaterThanOrEqual(531_000);
    const out = await kubectl.ok(['describe', 'configmap', 'repeated', '-n', 'ev']);
    // describe measures "over" from firstTimestamp to its own now, a second or two after the last repeat.
    expect(out).toMatch(/Warning\s+BackOff\s+\S+ \(x16 over 8m5\ds\)\s+test-controller\s+Back-off restarting failed container/);
  });

  it('collapses similar events with different messages into one combined event', async () => {
    const obj = await subject('similar');
    const rec = new EventRecorder({ client: tc.client, component: 'replicaset-controller' });
    for (let n = 0; n < 15; n++) rec.event(obj, 'Normal', 'SuccessfulCreate', `Created pod: web-${n}`);
    await rec.flush();
    const evs = await eventsAbout('similar');
    const combined = evs.filter((e) => e.message?.startsWith('(combined from similar events): '));
    expect(evs).toHaveLength(10);
    expect(combined).toHaveLength(1);
    expect(combined[0]!.count).toBe(6);
    expect(combined[0]!.message).toBe('(combined from similar events): Created pod: web-14');
  });

  it('drops events for an object that floods past the spam filter burst', async () => {
    const obj = await subject('spammy');
    const rec = new EventRecorder({ client: tc.client, component: 'noisy', spamBurst: 5 });
    for (let n = 0; n < 8; n++) rec.event(obj, 'Normal', 'Ping', 'same thing again');
    await rec.flush();
    const evs = await eventsAbout('spammy');
    expect(evs.map((e) => e.count)).toEqual([5]);
    expect(rec.dropped).toBe(3);
  });

  it('creates a new event when the one being counted was deleted', async () => {
    const obj = await subject('recreated');
    const rec = new EventRecorder({ client: tc.client, component: 'c' });
    rec.event(obj, 'Normal', 'Tick', 'tick');
    await rec.flush();
    const [first] = await eventsAbout('recreated');
    await tc.client.resource('v1/events').namespace('ev').delete(first!.metadata!.name!);
    rec.event(obj, 'Normal', 'Tick', 'tick');
    await rec.flush();
    const evs = await eventsAbout('recreated');
    expect(evs).toHaveLength(1);
    expect(evs[0]!.metadata?.name).not.toBe(first!.metadata?.name);
    expect(evs[0]!.count).toBe(1);
  });
});
