import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../../test-util/builders.js';
import { ENGINES, evaluate, filterOnlyProfile } from '../../../test-util/core-harness.js';
import { FilterBit, Reason } from '../../core/codes.js';

describe.each(ENGINES)('NodeName (%s)', (engine) => {
  const nodes = [makeNode('n1').obj(), makeNode('n2').obj()];
  const profile = filterOnlyProfile(FilterBit.NodeName);
  it.each([
    { name: 'a pod without spec.nodeName fits every node', nodeName: undefined, want: { n1: Reason.Pass, n2: Reason.Pass } },
    { name: 'a pod naming n2 fits only n2', nodeName: 'n2', want: { n1: Reason.NodeName, n2: Reason.Pass } },
    { name: 'a pod naming a node that does not exist fits none', nodeName: 'gone', want: { n1: Reason.NodeName, n2: Reason.NodeName } },
  ])('$name', ({ nodeName, want }) => {
    const pod = makePod('p');
    if (nodeName) pod.node(nodeName);
    expect(evaluate(engine, profile, nodes, [], pod.obj()).reasons).toEqual(want);
  });
});
