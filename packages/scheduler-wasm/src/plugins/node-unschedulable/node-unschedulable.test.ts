import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../../test-util/builders.js';
import { ENGINES, evaluate, filterOnlyProfile } from '../../../test-util/core-harness.js';
import { FilterBit, Reason } from '../../core/codes.js';

describe.each(ENGINES)('NodeUnschedulable (%s)', (engine) => {
  const profile = filterOnlyProfile(FilterBit.NodeUnschedulable);
  it.each([
    { name: 'a schedulable node takes any pod', unschedulable: false, tolerations: [], want: Reason.Pass },
    { name: 'an unschedulable node rejects a pod without tolerations', unschedulable: true, tolerations: [], want: Reason.NodeUnschedulable },
    {
      name: 'an unschedulable node takes a pod tolerating the unschedulable taint',
      unschedulable: true,
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      want: Reason.Pass,
    },
    { name: 'a keyless Exists toleration tolerates it too', unschedulable: true, tolerations: [{ operator: 'Exists' }], want: Reason.Pass },
    {
      name: 'a toleration for NoExecute does not cover NoSchedule',
      unschedulable: true,
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }],
      want: Reason.NodeUnschedulable,
    },
  ])('$name', ({ unschedulable, tolerations, want }) => {
    const node = makeNode('n1');
    if (unschedulable) node.unschedulable();
    const pod = makePod('p');
    for (const t of tolerations) pod.toleration(t);
    const { reasons } = evaluate(engine, profile, [node.obj(), makeNode('n2').obj()], [], pod.obj());
    expect(reasons.n1).toBe(want);
    expect(reasons.n2).toBe(Reason.Pass);
  });
});
