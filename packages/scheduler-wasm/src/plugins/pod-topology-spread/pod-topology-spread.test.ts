import type { V1TopologySpreadConstraint } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../../test-util/builders.js';
import { CoreHarness, ENGINES, evaluate, filterOnlyProfile, scoreOnlyProfile } from '../../../test-util/core-harness.js';
import { FilterBit, Reason, ScoreIndex } from '../../core/codes.js';

const ZONE = 'topology.kubernetes.io/zone';
const P = Reason.Pass;
const SKEW = Reason.SpreadSkew;

describe.each(ENGINES)('PodTopologySpread (%s)', (engine) => {
  const zoned = () => [
    makeNode('a1').label(ZONE, 'a').obj(),
    makeNode('a2').label(ZONE, 'a').obj(),
    makeNode('b1').label(ZONE, 'b').obj(),
    makeNode('b2').label(ZONE, 'b').obj(),
  ];
  const foo = (name: string, node: string) => makePod(name).label('app', 'foo').node(node).obj();
  const constraint = (over: Partial<V1TopologySpreadConstraint> = {}): V1TopologySpreadConstraint => ({
    maxSkew: 1,
    topologyKey: ZONE,
    whenUnsatisfiable: 'DoNotSchedule',
    labelSelector: { matchLabels: { app: 'foo' } },
    ...over,
  });
  const filter = filterOnlyProfile(FilterBit.PodTopologySpread);

  it.each([
    {
      name: 'a domain already ahead by maxSkew is out: zone a has 2, zone b none',
      existing: [foo('e1', 'a1'), foo('e2', 'a2')],
      c: constraint(),
      want: { a1: SKEW, a2: SKEW, b1: P, b2: P },
    },
    {
      name: 'a larger maxSkew allows it',
      existing: [foo('e1', 'a1'), foo('e2', 'a2')],
      c: constraint({ maxSkew: 3 }),
      want: { a1: P, a2: P, b1: P, b2: P },
    },
    {
      name: 'a pod its own selector does not match adds nothing to the skew',
      existing: [foo('e1', 'a1')],
      c: constraint({ labelSelector: { matchLabels: { app: 'bar' } } }),
      want: { a1: P, a2: P, b1: P, b2: P },
    },
    {
      name: 'pods in other namespaces and terminating pods are not counted',
      existing: [makePod('o', 'other').label('app', 'foo').node('a1').obj(), makePod('t').label('app', 'foo').node('a2').terminating().obj()],
      c: constraint(),
      want: { a1: P, a2: P, b1: P, b2: P },
    },
    {
      name: 'with fewer domains than minDomains the global minimum is 0',
      existing: [foo('e1', 'a1'), foo('e2', 'b1')],
      c: constraint({ minDomains: 3 }),
      want: { a1: SKEW, a2: SKEW, b1: SKEW, b2: SKEW },
    },
  ])('$name', ({ existing, c, want }) => {
    const pod = makePod('p').label('app', 'foo').spread(c).obj();
    expect(evaluate(engine, filter, zoned(), existing, pod).reasons).toEqual(want);
  });

  it('rejects a node without the topology key as unresolvable', () => {
    const nodes = [...zoned(), makeNode('nozone').obj()];
    const r = evaluate(engine, filter, nodes, [], makePod('p').label('app', 'foo').spread(constraint()).obj());
    expect(r.reasons.nozone).toBe(Reason.SpreadMissingLabel);
    expect(r.reasons.a1).toBe(P);
  });

  it('with nodeAffinityPolicy Honor counts only domains of nodes the pod may land on', () => {
    const nodes = [...zoned(), makeNode('c1').label(ZONE, 'c').label('pool', 'x').obj()];
    nodes[0]!.metadata!.labels!.pool = 'x';
    const pod = (policy: string) => makePod('p').label('app', 'foo').nodeSelector({ pool: 'x' }).spread(constraint({ nodeAffinityPolicy: policy })).obj();
    const existing = [foo('e1', 'a1')];
    // Honor: domains a (1) and c (0) -> min 0; Ignore: b also counts (0) -> same min, but zone a stays ahead either way.
    expect(evaluate(engine, filter, nodes, existing, pod('Honor')).reasons.a1).toBe(SKEW);
    expect(evaluate(engine, filter, nodes, existing, pod('Honor')).reasons.c1).toBe(P);
  });

  it('scores soft constraints so emptier domains win: 0, 33, 100 for 2, 1, 0 matching pods', () => {
    const nodes = ['h0', 'h1', 'h2'].map((n) => makeNode(n).obj());
    const existing = [foo('e1', 'h0'), foo('e2', 'h0'), foo('e3', 'h1')];
    const pod = makePod('p')
      .label('app', 'foo')
      .spread(constraint({ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' }))
      .obj();
    expect(evaluate(engine, scoreOnlyProfile(ScoreIndex.PodTopologySpread), nodes, existing, pod).scores).toEqual({ h0: 0, h1: 33, h2: 100 });
  });

  it('spreads pods of a workload by default across hosts, also on nodes without a zone label', () => {
    const h = new CoreHarness(engine, scoreOnlyProfile(ScoreIndex.PodTopologySpread));
    h.addNode(makeNode('a').obj());
    h.addNode(makeNode('b').obj());
    for (const i of [1, 2, 3]) h.addPod(foo(`e${i}`, 'a'));
    h.defaultSelector = [{ key: 'app', operator: 'In', values: ['foo'] }];
    // a: 3 * ln(4) + (3 - 1) = 6.16 -> 6; b: 2; normalized: a = 100 * (6 + 2 - 6) / 6 = 33, b = 100.
    expect(Object.fromEntries(h.schedule(makePod('p').label('app', 'foo').obj()).scores)).toEqual({ a: 33, b: 100 });
    h.defaultSelector = [];
    expect(Object.fromEntries(h.schedule(makePod('q').label('app', 'foo').obj()).scores)).toEqual({ a: 0, b: 0 });
  });
});
