import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../test-util/builders.js';
import { ENGINES } from '../../test-util/core-harness.js';
import { SchedulerFixture } from '../../test-util/scheduler-fixture.js';
import type { ScheduleResult } from './schedule-result.js';

describe.each(ENGINES)('Scheduler (%s)', (engine) => {
  it('binds to the least allocated node and accounts the assumed pod for the next one', () => {
    const f = new SchedulerFixture(engine, { nodes: [makeNode('a').obj(), makeNode('b').obj()] });
    const s = f.scheduler;
    s.addPod(makePod('p1').req({ cpu: '3' }).obj());
    s.addPod(makePod('p2').req({ cpu: '3' }).obj());
    const r1 = s.scheduleOne()!;
    const r2 = s.scheduleOne()!;
    expect(r1.kind).toBe('scheduled');
    expect(r2.kind).toBe('scheduled');
    const nodes = [r1, r2].map((r) => (r.kind === 'scheduled' ? r.nodeName : ''));
    expect(new Set(nodes)).toEqual(new Set(['a', 'b']));
    expect(s.scheduleOne()).toBeUndefined();
  });

  it('reports FailedScheduling exactly as kube-scheduler words it', () => {
    const nodes = [
      makeNode('small1').capacity({ cpu: '2' }).obj(),
      makeNode('small2').capacity({ cpu: '2' }).obj(),
      makeNode('small3').capacity({ cpu: '2' }).obj(),
      makeNode('tainted1').taint('key', 'value', 'NoSchedule').obj(),
      makeNode('tainted2').taint('key', 'value', 'NoSchedule').obj(),
    ];
    const bound = ['small1', 'small2', 'small3'].map((n) => makePod(`on-${n}`).node(n).req({ cpu: '1' }).obj());
    const f = new SchedulerFixture(engine, { nodes, bound });
    f.scheduler.addPod(makePod('p').req({ cpu: '1500m' }).obj());
    const r = f.scheduler.scheduleOne()!;
    expect(r.kind).toBe('unschedulable');
    if (r.kind !== 'unschedulable') return;
    expect(r.message).toBe(
      '0/5 nodes are available: 2 node(s) had untolerated taint {key: value}, 3 Insufficient cpu. ' +
        'preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod..',
    );
    expect(r.unschedulablePlugins).toEqual(['NodeResourcesFit', 'TaintToleration']);
  });

  it('does not offer preemption where even an empty node is too small', () => {
    const f = new SchedulerFixture(engine, { nodes: [makeNode('tiny').capacity({ cpu: '1' }).obj()] });
    f.scheduler.addPod(makePod('p').req({ cpu: '2' }).obj());
    const r = f.scheduler.scheduleOne()!;
    expect(r.kind === 'unschedulable' && r.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..',
    );
  });

  it('rejects a malformed node with a typed error and keeps scheduling on the others', () => {
    const f = new SchedulerFixture(engine, { nodes: [makeNode('ok').obj()] });
    expect(() => f.scheduler.addNode(makeNode('bad').capacity({ cpu: 'lots' }).obj())).toThrowError(/invalid node: bad: status.allocatable.cpu/);
    f.scheduler.addPod(makePod('p').obj());
    const r = f.scheduler.scheduleOne()!;
    expect(r.kind === 'scheduled' && r.nodeName).toBe('ok');
  });

  it('returns a typed error for a malformed pending pod and parks it until it is updated', () => {
    const f = new SchedulerFixture(engine, { nodes: [makeNode('ok').obj()] });
    const bad = makePod('p').req({ cpu: 'lots' }).obj();
    f.scheduler.addPod(bad);
    const r = f.scheduler.scheduleOne()!;
    expect(r.kind).toBe('error');
    expect(r.kind === 'error' && r.error.code).toBe('InvalidPod');
    f.scheduler.addNode(makeNode('another').obj());
    f.advance(2000);
    expect(f.scheduler.scheduleOne()).toBeUndefined();
    f.scheduler.updatePod(makePod('p').req({ cpu: '1' }).obj());
    f.advance(2000);
    expect(f.scheduler.scheduleOne()?.kind).toBe('scheduled');
  });

  it('says so when there are no nodes at all', () => {
    const f = new SchedulerFixture(engine);
    f.scheduler.addPod(makePod('p').obj());
    const r = f.scheduler.scheduleOne()!;
    expect(r.kind === 'unschedulable' && r.message).toBe('no nodes available to schedule pods');
  });

  it('retries an unschedulable pod when a node that may fit it appears', () => {
    const f = new SchedulerFixture(engine, { nodes: [makeNode('small').capacity({ cpu: '1' }).obj()] });
    const s = f.scheduler;
    s.addPod(makePod('p').req({ cpu: '2' }).obj());
    expect(s.scheduleOne()!.kind).toBe('unschedulable');
    expect(s.scheduleOne()).toBeUndefined();
    s.addNode(makeNode('big').capacity({ cpu: '8' }).obj());
    expect(s.scheduleOne()).toBeUndefined(); // still backing off (1 s after one attempt)
    f.advance(1000);
    const r = s.scheduleOne()!;
    expect(r.kind === 'scheduled' && r.nodeName).toBe('big');
  });

  it('preempts the fewest, lowest-priority pods and nominates their node', () => {
    const nodes = [makeNode('n1').capacity({ cpu: '2' }).obj(), makeNode('n2').capacity({ cpu: '2' }).obj()];
    const bound = [
      makePod('low-a').node('n1').priority(1).req({ cpu: '1' }).obj(),
      makePod('low-b').node('n1').priority(1).req({ cpu: '1' }).obj(),
      makePod('mid').node('n2').priority(5).req({ cpu: '1' }).obj(),
      makePod('low-c').node('n2').priority(1).req({ cpu: '1' }).obj(),
    ];
    const f = new SchedulerFixture(engine, { nodes, bound });
    f.scheduler.addPod(makePod('vip').priority(10).req({ cpu: '1' }).obj());
    const r = f.scheduler.scheduleOne()! as Extract<ScheduleResult, { kind: 'unschedulable' }>;
    expect(r.kind).toBe('unschedulable');
    // n1 needs one victim of priority 1, n2 one victim of priority 1 too: tie on everything; n1 and n2 each
    // evict one pod, and the highest victim on n2 is still priority 1 (mid is reprieved).
    expect(r.victims).toHaveLength(1);
    expect(r.victims[0]!.spec!.priority).toBe(1);
    expect(['n1', 'n2']).toContain(r.nominatedNodeName);
    expect(r.message).toBe('0/2 nodes are available: 2 Insufficient cpu.');
  });

  it('keeps the room a preemption made for the nominated pod', () => {
    const f = new SchedulerFixture(engine, { nodes: [makeNode('n').capacity({ cpu: '1' }).obj()], bound: [makePod('low').node('n').priority(1).req({ cpu: '1' }).obj()] });
    const s = f.scheduler;
    s.addPod(makePod('vip').priority(10).req({ cpu: '1' }).obj());
    const r = s.scheduleOne() as Extract<ScheduleResult, { kind: 'unschedulable' }>;
    expect(r.nominatedNodeName).toBe('n');
    for (const v of r.victims) s.deletePod(v);
    s.addPod(makePod('latecomer').priority(10).req({ cpu: '1' }).obj());
    const other = s.scheduleOne()!;
    expect(other.pod.metadata!.name).toBe('latecomer');
    expect(other.kind).toBe('unschedulable');
    f.advance(1000);
    const again = s.scheduleOne()!;
    expect(again.pod.metadata!.name).toBe('vip');
    expect(again.kind === 'scheduled' && again.nodeName).toBe('n');
  });

  it('prefers a node whose victims violate no PodDisruptionBudget', () => {
    const nodes = [makeNode('n1').capacity({ cpu: '1' }).obj(), makeNode('n2').capacity({ cpu: '1' }).obj()];
    const bound = [
      makePod('guarded').node('n1').priority(1).label('app', 'db').req({ cpu: '1' }).obj(),
      makePod('free').node('n2').priority(1).label('app', 'web').req({ cpu: '1' }).obj(),
    ];
    for (const seed of [1, 2, 3, 4]) {
      const f = new SchedulerFixture(engine, { nodes, bound, seed });
      f.scheduler.upsertPodDisruptionBudget({
        metadata: { name: 'db', namespace: 'default' },
        spec: { selector: { matchLabels: { app: 'db' } } },
        status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
      });
      f.scheduler.addPod(makePod('vip').priority(10).req({ cpu: '1' }).obj());
      const r = f.scheduler.scheduleOne()! as Extract<ScheduleResult, { kind: 'unschedulable' }>;
      expect(r.nominatedNodeName).toBe('n2');
      expect(r.victims.map((v) => v.metadata!.name)).toEqual(['free']);
    }
  });

  it('does not preempt for a pod with preemptionPolicy Never', () => {
    const f = new SchedulerFixture(engine, { nodes: [makeNode('n1').capacity({ cpu: '1' }).obj()], bound: [makePod('low').node('n1').priority(1).req({ cpu: '1' }).obj()] });
    const pod = makePod('vip').priority(10).req({ cpu: '1' }).obj();
    pod.spec!.preemptionPolicy = 'Never';
    f.scheduler.addPod(pod);
    const r = f.scheduler.scheduleOne()! as Extract<ScheduleResult, { kind: 'unschedulable' }>;
    expect(r.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..');
    expect(r.victims).toEqual([]);
  });

  it('schedules a batch with the same decisions as one pod at a time', () => {
    const mk = () =>
      new SchedulerFixture(engine, {
        nodes: Array.from({ length: 12 }, (_, i) => makeNode(`n${i}`).capacity({ cpu: String(2 + (i % 3)) }).label('topology.kubernetes.io/zone', `z${i % 3}`).obj()),
        seed: 9,
      });
    const pods = Array.from({ length: 70 }, (_, i) => makePod(`p${i}`).req({ cpu: `${300 + (i % 4) * 250}m` }).label('app', `a${i % 2}`).obj());
    const one = mk();
    const batch = mk();
    for (const p of pods) {
      one.scheduler.addPod(structuredClone(p));
      batch.scheduler.addPod(structuredClone(p));
    }
    const a: ScheduleResult[] = [];
    for (let r = one.scheduler.scheduleOne(); r; r = one.scheduler.scheduleOne()) a.push(r);
    const b = batch.scheduler.scheduleBatch(100);
    const brief = (r: ScheduleResult) => [r.pod.metadata!.name, r.kind, r.kind === 'scheduled' ? r.nodeName : r.kind === 'unschedulable' ? r.message : ''];
    expect(b.map(brief)).toEqual(a.map(brief));
    expect(a.some((r) => r.kind === 'unschedulable')).toBe(true);
  });
});
