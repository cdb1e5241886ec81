/**
 * One Deployment of N replicas on the real nodes, as a user would run it: busybox `sleep 3600` (the built-in
 * image, imagePullPolicy IfNotPresent, so no pull), small requests. Measured from the create request to every pod
 * Ready as the API server reports it, then from the delete request (background propagation: the garbage
 * collector removes the ReplicaSet and its pods) to the last pod gone. Every wait is bounded; a bound reached is
 * reported as how far it got, never as a time.
 */
import type { Deployment } from '@skiff/api';
import type { Client } from '@skiff/client';
import { PodTracker, type Percentiles } from './pod-tracker.js';

const NAMESPACE = 'default';
const NAME = 'bench-replicas';

export interface ReplicasBounds {
  readyMs: number;
  deleteMs: number;
}

export interface ReplicasOutcome {
  replicas: number;
  /** Create request -> all Ready; undefined when the bound came first. */
  allReadyMs?: number;
  /** Ready pods when the wait ended. */
  ready: number;
  /** Per pod: the watch first seeing it -> Ready. */
  latency?: Percentiles;
  /** Delete request -> no pod left; undefined when the bound came first (or the delete was never reached). */
  goneMs?: number;
  /** Pods left when the delete wait ended. */
  left?: number;
  notes: string[];
}

function deployment(replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: {
      replicas,
      selector: { matchLabels: { app: NAME } },
      template: {
        metadata: { labels: { app: NAME } },
        spec: {
          // sleep as PID 1 ignores SIGTERM: a short grace period keeps the delete phase about the cluster, not the wait.
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'sleep',
              image: 'busybox',
              imagePullPolicy: 'IfNotPresent',
              command: ['sleep', '3600'],
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
            },
          ],
        },
      },
    },
  };
}

export async function runReplicas(client: Client, replicas: number, bounds: ReplicasBounds, log: (m: string) => void): Promise<ReplicasOutcome> {
  const out: ReplicasOutcome = { replicas, ready: 0, notes: [] };
  const tracker = new PodTracker(client, NAMESPACE, `app=${NAME}`);
  const deployments = client.resource<Deployment>('apps/v1/deployments').namespace(NAMESPACE);
  try {
    await tracker.start(60_000);
    log(`Deployment ${NAME}: ${replicas} replicas`);
    const t0 = performance.now();
    await deployments.create(deployment(replicas));
    const up = await tracker.waitFor(() => tracker.count('ready') >= replicas, t0, bounds.readyMs, () => `${tracker.count('ready')}/${replicas} Ready, ${tracker.live} pods`, log);
    out.ready = tracker.count('ready');
    out.latency = tracker.latency('ready');
    if (up.reached) {
      out.allReadyMs = up.ms;
      log(`all ${replicas} Ready after ${(up.ms / 1000).toFixed(1)} s`);
    } else {
      out.notes.push(`${replicas} replicas: only ${out.ready} of ${replicas} pods Ready after ${(up.ms / 1000).toFixed(0)} s (the bound); no completion time recorded.`);
    }

    const t1 = performance.now();
    await deployments.delete(NAME, { propagationPolicy: 'Background' });
    const gone = await tracker.waitFor(() => tracker.live === 0, t1, bounds.deleteMs, () => `${tracker.live} pods left`, log);
    out.left = tracker.live;
    if (gone.reached) {
      out.goneMs = gone.ms;
      log(`all pods gone ${(gone.ms / 1000).toFixed(1)} s after the delete`);
    } else {
      out.notes.push(`${replicas} replicas: ${out.left} pods still existed ${(gone.ms / 1000).toFixed(0)} s after deleting the Deployment (the bound).`);
    }
    return out;
  } finally {
    await tracker.stop();
  }
}
