/**
 * N bare pods onto fake nodes (kubemark's and kube-scheduler's "10,000 pods on 5,000 nodes" shape): created by a
 * bounded loop of CONCURRENCY requests in flight, then scheduled by skiff's scheduler and set Running by the
 * fake-nodes process. Bare pods rather than a Deployment so that each pod's clock starts at its own create
 * request and the figure is the scheduler, the API server and the fake nodes, not the ReplicaSet controller's
 * pacing. Measured from the first create request to every pod Running as the API server reports it.
 */
import type { Pod } from '@skiff/api';
import { isAlreadyExists, isRetryable, type Client } from '@skiff/client';
import { FAKE_NODE_LABEL } from '../../../apps/cluster/src/fake-nodes/fake-objects.js';
import { PodTracker, type Percentiles } from './pod-tracker.js';

const NAMESPACE = 'default';
const LABEL = 'bench=fake-scale';
export const CONCURRENCY = 32;
/** Attempts per pod for answers that say "try again" (429, 5xx, a dropped connection). */
const ATTEMPTS = 3;

export interface FakeScaleOutcome {
  pods: number;
  /** Create requests that succeeded. */
  created: number;
  /** First create request -> last create answered. */
  postedMs: number;
  /** First create request -> all created pods Running; undefined when the bound came first. */
  allRunningMs?: number;
  running: number;
  /** First create request -> the last pod bound to a node; undefined unless every created pod was. */
  allScheduledMs?: number;
  /** Per pod: its create request -> the watch first seeing it bound to a node. */
  scheduledLatency?: Percentiles;
  /** Per pod: its create request -> the watch first seeing it Running. */
  latency?: Percentiles;
  notes: string[];
}

function pod(name: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE, labels: { bench: 'fake-scale' } },
    spec: {
      // Only fake nodes: nothing here should start a real container even if the cluster has real nodes.
      nodeSelector: { [FAKE_NODE_LABEL]: 'true' },
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'sleep', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'], resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
    },
  };
}

export async function runFakeScale(client: Client, pods: number, boundMs: number, log: (m: string) => void): Promise<FakeScaleOutcome> {
  const notes: string[] = [];
  const tracker = new PodTracker(client, NAMESPACE, LABEL);
  const resource = client.resource<Pod>('v1/pods').namespace(NAMESPACE);
  try {
    await tracker.start(60_000);
    log(`${pods} bare pods, ${CONCURRENCY} create requests in flight`);
    const t0 = performance.now();
    const deadline = t0 + boundMs;
    let next = 0;
    let created = 0;
    const failures = new Map<string, number>();
    const progress = setInterval(() => log(`created ${created}/${pods}, ${tracker.count('running')} Running`), 10_000);
    try {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < pods && performance.now() < deadline) {
            const name = `scale-${next++}`;
            for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
              // The clock starts at the first attempt: retries are part of what the pod waited for.
              if (attempt === 1) tracker.markCreated(name, performance.now());
              try {
                await resource.create(pod(name));
                created++;
                break;
              } catch (e) {
                // A retry after an answer lost on the way back finds the pod made by the attempt before.
                if (attempt > 1 && isAlreadyExists(e)) {
                  created++;
                  break;
                }
                if (attempt < ATTEMPTS && isRetryable(e)) continue;
                const why = (e as Error).message.slice(0, 160);
                failures.set(why, (failures.get(why) ?? 0) + 1);
                break;
              }
            }
          }
        }),
      );
    } finally {
      clearInterval(progress);
    }
    const postedMs = performance.now() - t0;
    log(`${created} created in ${(postedMs / 1000).toFixed(1)} s`);
    if (next < pods) notes.push(`fake nodes: the create loop reached its ${(boundMs / 1000).toFixed(0)} s bound after ${next} of ${pods} pods.`);
    for (const [why, n] of failures) notes.push(`fake nodes: ${n} pod create(s) failed: ${why}`);

    const all = await tracker.waitFor(() => tracker.count('running') >= created, t0, boundMs, () => `${tracker.count('running')}/${created} Running`, log);
    const out: FakeScaleOutcome = { pods, created, postedMs, running: tracker.count('running'), latency: tracker.latency('running'), scheduledLatency: tracker.latency('scheduled'), notes };
    // Binding and the Running status are separate writers (scheduler, fake nodes): when each finished says which one paced the run.
    const lastScheduled = tracker.lastReached('scheduled');
    if (created > 0 && tracker.count('scheduled') >= created && lastScheduled !== undefined) out.allScheduledMs = lastScheduled - t0;
    if (all.reached && created > 0) {
      out.allRunningMs = all.ms;
      log(`all ${created} Running after ${(all.ms / 1000).toFixed(1)} s`);
    } else {
      notes.push(`fake nodes: ${out.running} of ${created} created pods Running after ${(all.ms / 1000).toFixed(0)} s (the bound); no completion time recorded.`);
    }
    return out;
  } finally {
    await tracker.stop();
  }
}
