import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { makePod } from '../../test-util/builders.js';
import { CoreHarness } from '../../test-util/core-harness.js';
import { isSchedulerError } from '../errors.js';
import { encodePod } from './encode-pod.js';

describe('encodePod on bad pod specs', () => {
  const h = new CoreHarness('ts');
  const bad = (mutate: (p: V1Pod) => void): V1Pod => {
    const p = makePod('bad').obj();
    mutate(p);
    return p;
  };
  it.each([
    { name: 'no containers', pod: bad((p) => (p.spec = {} as V1Pod['spec'])), field: 'spec.containers' },
    { name: 'an unparseable request', pod: bad((p) => (p.spec!.containers[0]!.resources = { requests: { cpu: 'lots' } })), field: 'spec.containers[].resources' },
    { name: 'an unknown toleration operator', pod: bad((p) => (p.spec!.tolerations = [{ key: 'k', operator: 'Sometimes' }])), field: 'spec.tolerations[0].operator' },
    { name: 'an unknown toleration effect', pod: bad((p) => (p.spec!.tolerations = [{ key: 'k', effect: 'Never' }])), field: 'spec.tolerations[0].effect' },
    {
      name: 'In without values in a node selector term',
      pod: bad((p) => (p.spec!.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In' }] }] } } })),
      field: 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution',
    },
    {
      name: 'Gt with a non-integer',
      pod: bad((p) => (p.spec!.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'Gt', values: ['x'] }] }] } } })),
      field: 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution',
    },
    { name: 'a zero maxSkew', pod: bad((p) => (p.spec!.topologySpreadConstraints = [{ maxSkew: 0, topologyKey: 'k', whenUnsatisfiable: 'DoNotSchedule' }])), field: 'spec.topologySpreadConstraints' },
    { name: 'an unknown whenUnsatisfiable', pod: bad((p) => (p.spec!.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'k', whenUnsatisfiable: 'Maybe' }])), field: 'spec.topologySpreadConstraints' },
    {
      name: 'a label selector with Exists and values',
      pod: bad((p) => (p.spec!.affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'k', labelSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] } }] } })),
      field: 'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution',
    },
    { name: 'a host port with an unknown protocol', pod: bad((p) => (p.spec!.containers[0]!.ports = [{ containerPort: 1, hostPort: 1, protocol: 'QUIC' }])), field: 'spec.containers[c].ports' },
  ])('rejects $name with InvalidPod naming the field', ({ pod, field }) => {
    let err: unknown;
    try {
      encodePod(pod, h.core.model, h.options(pod));
    } catch (e) {
      err = e;
    }
    expect(isSchedulerError(err, 'InvalidPod')).toBe(true);
    expect((err as { details: { field: string } }).details.field).toBe(field);
  });
});
