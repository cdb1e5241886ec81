import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../../test-util/builders.js';
import { ENGINES, evaluate, scoreOnlyProfile } from '../../../test-util/core-harness.js';
import { ScoreIndex } from '../../core/codes.js';

describe.each(ENGINES)('NodeResourcesBalancedAllocation (%s)', (engine) => {
  const profile = scoreOnlyProfile(ScoreIndex.NodeResourcesBalancedAllocation);
  it('scores 100 * (1 - |cpu fraction - memory fraction| / 2)', () => {
    const nodes = [makeNode('even').capacity({ cpu: '4', memory: '32Gi' }).obj(), makeNode('skewed').capacity({ cpu: '2', memory: '32Gi' }).obj()];
    // even: 0.25 and 0.25 -> 100; skewed: 0.5 and 0.25 -> std 0.125 -> 87.
    expect(evaluate(engine, profile, nodes, [], makePod('p').req({ cpu: '1', memory: '8Gi' }).obj()).scores).toEqual({ even: 100, skewed: 87 });
  });

  it('counts what is already on the node and caps fractions at 1', () => {
    const nodes = [makeNode('busy').capacity({ cpu: '2', memory: '8Gi' }).obj(), makeNode('idle').capacity({ cpu: '2', memory: '8Gi' }).obj()];
    const existing = [makePod('e').node('busy').req({ cpu: '3', memory: '1Gi' }).obj()];
    // busy: cpu capped at 1, memory 2/8 -> std 0.375 -> 62; idle: 0.5 and 0.125 -> std 0.1875 -> 81.
    expect(evaluate(engine, profile, nodes, existing, makePod('p').req({ cpu: '1', memory: '1Gi' }).obj()).scores).toEqual({ busy: 62, idle: 81 });
  });
});
