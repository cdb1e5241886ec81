/**
 * The pod workers' API for static pods: a static pod's status is written to its mirror pod (a JSON patch that
 * first tests the mirror's kubernetes.io/config.mirror, so the last words of a replaced version never land on its
 * successor's mirror), and a static pod is never deleted from the API server by its worker: its mirror goes with
 * its manifest (mirror-pods.ts).
 */
import type { Pod } from '@skiff/api';
import type { Client } from '@skiff/client';
import { NodeAgentError } from '../../errors.js';
import type { PodApi } from '../pods/pod-context.js';
import { CONFIG_MIRROR, isStaticPod } from './config-annotations.js';

const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** `isLive(uid)`: the static pod is still described by a manifest (so its mirror is coming). */
export function podApiWithStaticPods(base: PodApi, client: Client, isLive: (uid: string) => boolean): PodApi {
  return {
    ...base,
    async writeStatus(pod, status) {
      if (!isStaticPod(pod)) return base.writeStatus(pod, status);
      const m = pod.metadata;
      const patch = [
        { op: 'test', path: `/metadata/annotations/${pointer(CONFIG_MIRROR)}`, value: m.uid },
        { op: 'replace', path: '/status', value: status },
      ];
      try {
        await client.resource<Pod>('v1/pods').namespace(m.namespace).patch(m.name, patch, 'json', { subresource: 'status' });
        return true;
      } catch (err) {
        // A removed static pod has nothing left to report to; a live one's mirror is on its way.
        if (!isLive(m.uid)) return false;
        throw new NodeAgentError('ApiRequestFailed', `the mirror pod of static pod ${m.namespace}/${m.name} is not there yet`, { cause: err });
      }
    },
    async deletePod(pod) {
      if (!isStaticPod(pod)) await base.deletePod(pod);
    },
  };
}
