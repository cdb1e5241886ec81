import type { V1PodAffinityTerm } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../../test-util/builders.js';
import { ENGINES, evaluate, filterOnlyProfile, scoreOnlyProfile } from '../../../test-util/core-harness.js';
import { FilterBit, Reason, ScoreIndex } from '../../core/codes.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const P = Reason.Pass;

describe.each(ENGINES)('InterPodAffinity (%s)', (engine) => {
  const nodes = () => [
    makeNode('a1').label(ZONE, 'a').obj(),
    makeNode('a2').label(ZONE, 'a').obj(),
    makeNode('b1').label(ZONE, 'b').obj(),
    makeNode('nozone').obj(),
  ];
  const term = (app: string, topologyKey: string, over: Partial<V1PodAffinityTerm> = {}): V1PodAffinityTerm => ({
    labelSelector: { matchLabels: { app } },
    topologyKey,
    ...over,
  });
  const filter = filterOnlyProfile(FilterBit.InterPodAffinity);
  const db = makePod('db').label('app', 'db').node('a1').obj();

  it.each([
    {
      name: 'required affinity lands in the zone of a matching pod; a node without the key is unresolvable',
      existing: [db],
      pod: makePod('p').affinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', ZONE)] } }),
      want: { a1: P, a2: P, b1: Reason.PodAffinity, nozone: Reason.PodAffinity },
    },
    {
      name: 'the first pod of a group with affinity to itself may go anywhere the key exists',
      existing: [],
      pod: makePod('p').label('app', 'web').affinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', ZONE)] } }),
      want: { a1: P, a2: P, b1: P, nozone: Reason.PodAffinity },
    },
    {
      name: 'a term without namespaces only sees pods in the pod own namespace',
      existing: [makePod('db', 'other').label('app', 'db').node('a1').obj()],
      pod: makePod('p').affinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', ZONE)] } }),
      want: { a1: Reason.PodAffinity, a2: Reason.PodAffinity, b1: Reason.PodAffinity, nozone: Reason.PodAffinity },
    },
    {
      name: 'an empty namespaceSelector sees every namespace',
      existing: [makePod('db', 'other').label('app', 'db').node('b1').obj()],
      pod: makePod('p').affinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', ZONE, { namespaceSelector: {} })] } }),
      want: { a1: Reason.PodAffinity, a2: Reason.PodAffinity, b1: P, nozone: Reason.PodAffinity },
    },
    {
      name: 'required anti-affinity keeps the pod off the host of a matching pod',
      existing: [db],
      pod: makePod('p').affinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', HOST)] } }),
      want: { a1: Reason.PodAntiAffinity, a2: P, b1: P, nozone: P },
    },
    {
      name: "an existing pod's anti-affinity keeps matching pods out of its zone",
      existing: [makePod('guard').node('a2').affinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', ZONE)] } }).obj()],
      pod: makePod('p').label('app', 'web'),
      want: { a1: Reason.ExistingAntiAffinity, a2: Reason.ExistingAntiAffinity, b1: P, nozone: P },
    },
  ])('$name', ({ existing, pod, want }) => {
    expect(evaluate(engine, filter, nodes(), existing, pod.obj()).reasons).toEqual(want);
  });

  const score = scoreOnlyProfile(ScoreIndex.InterPodAffinity);

  it('scores preferred affinity toward the zone of matching pods', () => {
    const pod = makePod('p').affinity({ podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('db', ZONE) }] } });
    expect(evaluate(engine, score, nodes(), [db], pod.obj()).scores).toEqual({ a1: 100, a2: 100, b1: 0, nozone: 0 });
  });

  it('scores preferred anti-affinity away from them', () => {
    const pod = makePod('p').affinity({ podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('db', ZONE) }] } });
    expect(evaluate(engine, score, nodes(), [db], pod.obj()).scores).toEqual({ a1: 0, a2: 0, b1: 100, nozone: 100 });
  });

  it("counts existing pods' required affinity toward the incoming pod at hardPodAffinityWeight", () => {
    const fan = makePod('fan').node('b1').affinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', ZONE)] } }).obj();
    const pod = makePod('p').label('app', 'web').obj();
    expect(evaluate(engine, score, nodes(), [fan], pod).scores).toEqual({ a1: 0, a2: 0, b1: 100, nozone: 0 });
    expect(evaluate(engine, { ...score, hardPodAffinityWeight: 0 }, nodes(), [fan], pod).scores).toEqual({ a1: 0, a2: 0, b1: 0, nozone: 0 });
  });
});
