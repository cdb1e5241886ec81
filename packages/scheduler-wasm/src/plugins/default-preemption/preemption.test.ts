import type { V1Pod } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../../test-util/builders.js';
import { ENGINES } from '../../../test-util/core-harness.js';
import { SchedulerFixture } from '../../../test-util/scheduler-fixture.js';
import type { ScheduleResult, Unschedulable } from '../../framework/schedule-result.js';

function started(p: V1Pod, minute: number): V1Pod {
  p.status = { startTime: new Date(Date.UTC(2025, 0, 1, 0, minute)) };
  return p;
}

function attempt(engine: (typeof ENGINES)[number], nodes: ReturnType<typeof makeNode>[], bound: V1Pod[], incoming: V1Pod, pdbMatchingNothing = false): ScheduleResult {
  const f = new SchedulerFixture(engine, { nodes: nodes.map((n) => n.obj()), bound });
  if (pdbMatchingNothing) {
    f.scheduler.upsertPodDisruptionBudget({ metadata: { name: 'none', namespace: 'elsewhere' }, spec: { selector: { matchLabels: { x: 'y' } } }, status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 } });
  }
  f.scheduler.addPod(incoming);
  return f.scheduler.scheduleOne()!;
}

function preemptFor(engine: (typeof ENGINES)[number], nodes: ReturnType<typeof makeNode>[], bound: V1Pod[], incoming: V1Pod): Unschedulable {
  const r = attempt(engine, nodes, bound, incoming);
  expect(r.kind).toBe('unschedulable');
  return r as Unschedulable;
}

describe.each(ENGINES)('DefaultPreemption (%s)', (engine) => {
  it('evicts only as many pods as needed, reprieving the more important ones', () => {
    const r = preemptFor(
      engine,
      [makeNode('n').capacity({ cpu: '2' })],
      [started(makePod('p1').node('n').priority(1).req({ cpu: '1' }).obj(), 1), started(makePod('p2').node('n').priority(2).req({ cpu: '1' }).obj(), 2)],
      makePod('vip').priority(10).req({ cpu: '1' }).obj(),
    );
    expect(r.nominatedNodeName).toBe('n');
    expect(r.victims.map((v) => v.metadata!.name)).toEqual(['p1']);
  });

  it('prefers the node whose most important victim has the lowest priority', () => {
    const r = preemptFor(
      engine,
      [makeNode('a').capacity({ cpu: '1' }), makeNode('b').capacity({ cpu: '1' })],
      [makePod('mid').node('a').priority(5).req({ cpu: '1' }).obj(), makePod('low').node('b').priority(1).req({ cpu: '1' }).obj()],
      makePod('vip').priority(10).req({ cpu: '1' }).obj(),
    );
    expect(r.nominatedNodeName).toBe('b');
  });

  it('then the fewest victims', () => {
    const r = preemptFor(
      engine,
      [makeNode('a').capacity({ cpu: '2' }), makeNode('b').capacity({ cpu: '2' })],
      [
        makePod('a1').node('a').priority(1).req({ cpu: '1' }).obj(),
        makePod('a2').node('a').priority(1).req({ cpu: '1' }).obj(),
        makePod('b1').node('b').priority(1).req({ cpu: '2' }).obj(),
      ],
      makePod('vip').priority(10).req({ cpu: '2' }).obj(),
    );
    expect(r.nominatedNodeName).toBe('b');
    expect(r.victims.map((v) => v.metadata!.name)).toEqual(['b1']);
  });

  it('never evicts pods of equal or higher priority', () => {
    const r = preemptFor(engine, [makeNode('n').capacity({ cpu: '1' })], [makePod('peer').node('n').priority(10).req({ cpu: '1' }).obj()], makePod('vip').priority(10).req({ cpu: '1' }).obj());
    expect(r.nominatedNodeName).toBeUndefined();
    expect(r.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..');
  });

  it('reports the filter reason when even evicting everything lower does not help', () => {
    const r = preemptFor(
      engine,
      [makeNode('n').capacity({ cpu: '2' })],
      [makePod('peer').node('n').priority(10).req({ cpu: '1500m' }).obj(), makePod('low').node('n').priority(1).req({ cpu: '500m' }).obj()],
      makePod('vip').priority(10).req({ cpu: '1' }).obj(),
    );
    expect(r.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu..');
  });

  it('chooses the same node and victims in the core as in the PodDisruptionBudget-aware path', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ node: fc.integer({ min: 0, max: 5 }), priority: fc.integer({ min: 0, max: 4 }), cpu: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        (pods, want) => {
          const nodes = () => Array.from({ length: 6 }, (_, i) => makeNode(`n${i}`).capacity({ cpu: '4' }));
          const bound = () => pods.map((p, i) => started(makePod(`e${i}`).node(`n${p.node}`).priority(p.priority).req({ cpu: `${p.cpu * 250}m` }).obj(), i));
          const vip = () => makePod('vip').priority(3).req({ cpu: `${want * 500}m` }).obj();
          const core = attempt(engine, nodes(), bound(), vip());
          const here = attempt(engine, nodes(), bound(), vip(), true);
          expect(core.kind).toBe(here.kind);
          if (core.kind !== 'unschedulable' || here.kind !== 'unschedulable') return;
          expect(core.nominatedNodeName).toBe(here.nominatedNodeName);
          expect(core.victims.map((v) => v.metadata!.name)).toEqual(here.victims.map((v) => v.metadata!.name));
          expect(core.message).toBe(here.message);
        },
      ),
      { numRuns: 60 },
    );
  });
});
