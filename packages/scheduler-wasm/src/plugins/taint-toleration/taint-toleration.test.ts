import type { V1Taint, V1Toleration } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../../test-util/builders.js';
import { ENGINES, evaluate, filterOnlyProfile, scoreOnlyProfile } from '../../../test-util/core-harness.js';
import { FilterBit, Reason, ScoreIndex } from '../../core/codes.js';

describe.each(ENGINES)('TaintToleration (%s)', (engine) => {
  const profile = filterOnlyProfile(FilterBit.TaintToleration);
  const filterCases: { name: string; taints: V1Taint[]; tolerations: V1Toleration[]; want: number; detail?: number }[] = [
    { name: 'an untainted node takes any pod', taints: [], tolerations: [], want: Reason.Pass },
    { name: 'a NoSchedule taint rejects a pod without tolerations', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }], tolerations: [], want: Reason.Taint, detail: 0 },
    { name: 'a NoExecute taint rejects too', taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }], tolerations: [], want: Reason.Taint, detail: 0 },
    { name: 'a PreferNoSchedule taint never rejects', taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }], tolerations: [], want: Reason.Pass },
    {
      name: 'Equal tolerates the same key and value',
      taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }],
      tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }],
      want: Reason.Pass,
    },
    {
      name: 'Equal with another value does not tolerate',
      taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }],
      tolerations: [{ key: 'k', operator: 'Equal', value: 'w' }],
      want: Reason.Taint,
      detail: 0,
    },
    { name: 'Exists ignores the value', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }], tolerations: [{ key: 'k', operator: 'Exists' }], want: Reason.Pass },
    { name: 'an empty key with Exists tolerates everything', taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }], tolerations: [{ operator: 'Exists' }], want: Reason.Pass },
    {
      name: 'a toleration for another effect does not tolerate',
      taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }],
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
      want: Reason.Taint,
      detail: 0,
    },
    {
      name: 'the detail names the first untolerated taint',
      taints: [
        { key: 'a', value: '1', effect: 'NoSchedule' },
        { key: 'b', value: '2', effect: 'NoSchedule' },
      ],
      tolerations: [{ key: 'a', operator: 'Exists' }],
      want: Reason.Taint,
      detail: 1,
    },
  ];
  it.each(filterCases)('$name', ({ taints, tolerations, want, detail }) => {
    const node = makeNode('n1');
    for (const t of taints) node.taint(t.key, t.value ?? '', t.effect);
    const pod = makePod('p');
    for (const t of tolerations) pod.toleration(t);
    const r = evaluate(engine, profile, [node.obj()], [], pod.obj());
    expect(r.reasons.n1).toBe(want);
    if (detail !== undefined) expect(r.details.n1).toBe(detail);
  });

  it('scores fewer untolerated PreferNoSchedule taints higher, normalized in reverse', () => {
    const nodes = [
      makeNode('none').obj(),
      makeNode('one').taint('a', '', 'PreferNoSchedule').obj(),
      makeNode('two').taint('a', '', 'PreferNoSchedule').taint('b', '', 'PreferNoSchedule').obj(),
      makeNode('tolerated').taint('c', '', 'PreferNoSchedule').taint('a', 'x', 'NoSchedule').obj(),
    ];
    const pod = makePod('p').toleration({ key: 'c', operator: 'Exists', effect: 'PreferNoSchedule' }).obj();
    const { scores } = evaluate(engine, scoreOnlyProfile(ScoreIndex.TaintToleration), nodes, [], pod);
    expect(scores).toEqual({ none: 100, one: 50, two: 0, tolerated: 100 });
  });

  it('ignores tolerations with a NoSchedule effect when scoring PreferNoSchedule taints', () => {
    const nodes = [makeNode('a').taint('k', '', 'PreferNoSchedule').obj(), makeNode('b').obj()];
    const pod = makePod('p').toleration({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }).obj();
    expect(evaluate(engine, scoreOnlyProfile(ScoreIndex.TaintToleration), nodes, [], pod).scores).toEqual({ a: 0, b: 100 });
  });
});
