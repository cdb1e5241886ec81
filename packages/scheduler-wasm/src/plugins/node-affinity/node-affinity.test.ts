import type { V1NodeSelectorTerm } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../../test-util/builders.js';
import { ENGINES, evaluate, filterOnlyProfile, scoreOnlyProfile } from '../../../test-util/core-harness.js';
import { FilterBit, Reason, ScoreIndex } from '../../core/codes.js';

const P = Reason.Pass;
const X = Reason.NodeAffinity;

describe.each(ENGINES)('NodeAffinity (%s)', (engine) => {
  const nodes = [
    makeNode('ssd').label('disk', 'ssd').label('cores', '8').obj(),
    makeNode('hdd').label('disk', 'hdd').label('cores', '2').obj(),
    makeNode('bare').label('cores', 'many').obj(),
  ];
  const profile = filterOnlyProfile(FilterBit.NodeAffinity);
  const term = (...exprs: { key: string; operator: string; values?: string[] }[]): V1NodeSelectorTerm => ({ matchExpressions: exprs });

  it.each([
    { name: 'In matches a listed value', terms: [term({ key: 'disk', operator: 'In', values: ['ssd'] })], want: { ssd: P, hdd: X, bare: X } },
    { name: 'NotIn matches other values and a missing label', terms: [term({ key: 'disk', operator: 'NotIn', values: ['ssd'] })], want: { ssd: X, hdd: P, bare: P } },
    { name: 'Exists needs the label', terms: [term({ key: 'disk', operator: 'Exists' })], want: { ssd: P, hdd: P, bare: X } },
    { name: 'DoesNotExist needs it absent', terms: [term({ key: 'disk', operator: 'DoesNotExist' })], want: { ssd: X, hdd: X, bare: P } },
    { name: 'Gt compares integers and fails on a non-integer label', terms: [term({ key: 'cores', operator: 'Gt', values: ['4'] })], want: { ssd: P, hdd: X, bare: X } },
    { name: 'Lt compares integers', terms: [term({ key: 'cores', operator: 'Lt', values: ['4'] })], want: { ssd: X, hdd: P, bare: X } },
    {
      name: 'expressions within a term must all hold',
      terms: [term({ key: 'disk', operator: 'Exists' }, { key: 'cores', operator: 'Lt', values: ['4'] })],
      want: { ssd: X, hdd: P, bare: X },
    },
    {
      name: 'terms are alternatives',
      terms: [term({ key: 'disk', operator: 'In', values: ['ssd'] }), term({ key: 'disk', operator: 'DoesNotExist' })],
      want: { ssd: P, hdd: X, bare: P },
    },
    { name: 'matchFields selects by node name', terms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['hdd'] }] }], want: { ssd: X, hdd: P, bare: X } },
    { name: 'an empty term matches no node', terms: [{}], want: { ssd: X, hdd: X, bare: X } },
  ])('$name', ({ terms, want }) => {
    const pod = makePod('p').affinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
    expect(evaluate(engine, profile, nodes, [], pod.obj()).reasons).toEqual(want);
  });

  it('requires every spec.nodeSelector label as well as the affinity', () => {
    const pod = makePod('p')
      .nodeSelector({ disk: 'ssd' })
      .affinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term({ key: 'cores', operator: 'Exists' })] } } });
    expect(evaluate(engine, profile, nodes, [], pod.obj()).reasons).toEqual({ ssd: P, hdd: X, bare: X });
  });

  it('scores the summed weights of matching preferred terms, normalized to the best node', () => {
    const pod = makePod('p').affinity({
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 30, preference: term({ key: 'disk', operator: 'In', values: ['ssd'] }) },
          { weight: 10, preference: term({ key: 'cores', operator: 'Exists' }) },
        ],
      },
    });
    const { scores } = evaluate(engine, scoreOnlyProfile(ScoreIndex.NodeAffinity), nodes, [], pod.obj());
    expect(scores).toEqual({ ssd: 100, hdd: 25, bare: 25 });
  });
});
