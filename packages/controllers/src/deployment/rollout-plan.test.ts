import type { Deployment, ReplicaSet } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import { isScalingEvent, newReplicaSetReplicas, planOldScaleDown, planProportionalScale } from './rollout-plan.js';

function d(replicas: number, maxSurge: number | string = '25%', maxUnavailable: number | string = '25%'): Deployment {
  return { metadata: { name: 'web', generation: 1 }, spec: { replicas, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } } };
}

function rs(name: string, replicas: number, available = replicas, created = 0, annotations: Record<string, string> = {}): ReplicaSet {
  return {
    metadata: { name, creationTimestamp: new Date(Date.UTC(2024, 0, 1, 0, created)).toISOString(), annotations },
    spec: { replicas, selector: {} },
    status: { replicas, availableReplicas: available },
  };
}

const plan = (steps: { rs: ReplicaSet; replicas: number }[]) => Object.fromEntries(steps.map((s) => [s.rs.metadata!.name, s.replicas]));

describe('newReplicaSetReplicas', () => {
  it.each([
    { why: 'a new deployment of 4 (surge 25% -> 1) starts all 4', dep: d(4), all: [], current: undefined, want: 4 },
    { why: 'a rollout of 4 with 4 old surges one new pod', dep: d(4), all: [rs('old', 4)], current: 0, want: 1 },
    { why: 'at the surge limit it waits', dep: d(4), all: [rs('old', 4), rs('new', 1)], current: 1, want: 1 },
    { why: 'maxSurge 100% starts every new pod at once', dep: d(4, '100%', 0), all: [rs('old', 4)], current: 0, want: 4 },
    { why: 'never past spec.replicas', dep: d(2, 5), all: [rs('new', 1)], current: 1, want: 2 },
  ])('$why', ({ dep, all, current, want }) => {
    const newRS = current === undefined ? undefined : rs('new', current);
    const others = all.filter((r) => r.metadata!.name !== 'new');
    expect(newReplicaSetReplicas(dep, newRS ? [...others, newRS] : others, newRS)).toBe(want);
  });
});

describe('planOldScaleDown', () => {
  it.each([
    { why: 'keeps availability: 4 wanted, maxUnavailable 1, new pod not ready yet', dep: d(4, 1, 1), olds: [rs('old', 4)], newRS: rs('new', 1, 0), want: { old: 3 } },
    { why: 'nothing when every old pod is needed for availability', dep: d(4, 1, 0), olds: [rs('old', 4)], newRS: rs('new', 1, 0), want: {} },
    { why: 'unavailable old pods go first, at no cost', dep: d(4, 1, 0), olds: [rs('old', 4, 3)], newRS: rs('new', 1, 1), want: { old: 3 } },
    { why: 'the oldest ReplicaSet first', dep: d(4, 1, 1), olds: [rs('older', 2, 2, 0), rs('old', 2, 2, 1)], newRS: rs('new', 1, 1), want: { older: 0 } },
  ])('$why', ({ dep, olds, newRS, want }) => {
    expect(plan(planOldScaleDown(dep, olds, newRS))).toEqual(want);
  });
});

describe('planProportionalScale', () => {
  it('gives one active ReplicaSet the whole new size', () => {
    expect(plan(planProportionalScale(d(5), rs('new', 2), [rs('old', 0)]))).toEqual({ new: 5 });
  });

  it('splits a scale-up mid-rollout in proportion to each ReplicaSet, leftovers to the largest', () => {
    // 10 -> 20 replicas while 8 old and 5 new run (maxSurge 3 of 10 recorded as max-replicas 13).
    const ann = { 'deployment.kubernetes.io/max-replicas': '13', 'deployment.kubernetes.io/desired-replicas': '10' };
    const steps = plan(planProportionalScale(d(20, 3, 2), rs('new', 5, 5, 2, ann), [rs('old', 8, 8, 1, ann)]));
    expect(steps.old! + steps.new!).toBe(23);
    expect(steps.old).toBeGreaterThan(steps.new!);
  });

  it('scales old ReplicaSets to zero once the new one is saturated', () => {
    const ann = { 'deployment.kubernetes.io/desired-replicas': '3' };
    expect(plan(planProportionalScale(d(3), rs('new', 3, 3, 1, ann), [rs('old', 1, 1, 0)]))).toEqual({ old: 0 });
  });
});

describe('isScalingEvent', () => {
  it.each([
    { replicas: 3, desired: '3', want: false },
    { replicas: 5, desired: '3', want: true },
  ])('replicas $replicas against desired-replicas $desired: $want', ({ replicas, desired, want }) => {
    expect(isScalingEvent(d(replicas), [rs('a', 3, 3, 0, { 'deployment.kubernetes.io/desired-replicas': desired })])).toBe(want);
  });
});
