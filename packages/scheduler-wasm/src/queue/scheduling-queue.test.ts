import { describe, expect, it } from 'vitest';
import { makePod } from '../../test-util/builders.js';
import type { ClusterEvent } from '../framework/interface.js';
import { pluginByName } from '../framework/registry.js';
import { gatedMessage } from '../plugins/scheduling-gates/plugin.js';
import { backoffDuration } from './queued-pod.js';
import { SchedulingQueue } from './scheduling-queue.js';

function queue() {
  const clock = { now: 0 };
  const q = new SchedulingQueue({
    clock: () => clock.now,
    initialBackoffMs: 1000,
    maxBackoffMs: 10_000,
    maxInUnschedulableMs: 300_000,
    priorityOf: (p) => p.spec?.priority ?? 0,
    gatedBy: (p) => (gatedMessage(p) ? 'SchedulingGates' : undefined),
    eventsOf: (plugin) => pluginByName(plugin)?.events ?? [],
  });
  return { q, clock };
}

const NODE_ADD: ClusterEvent = { resource: 'Node', action: 'Add' };

describe('SchedulingQueue', () => {
  it('pops higher priority first, then earlier arrivals', () => {
    const { q, clock } = queue();
    q.add(makePod('low').priority(1).obj());
    clock.now = 1;
    q.add(makePod('high-late').priority(5).obj());
    clock.now = 2;
    q.add(makePod('low-later').priority(1).obj());
    q.add(makePod('high-early').priority(5).obj());
    const order = [q.pop(), q.pop(), q.pop(), q.pop()].map((p) => p!.pod.metadata!.name);
    expect(order).toEqual(['high-late', 'high-early', 'low', 'low-later']);
  });

  it.each([
    { attempts: 1, want: 1000 },
    { attempts: 2, want: 2000 },
    { attempts: 3, want: 4000 },
    { attempts: 4, want: 8000 },
    { attempts: 5, want: 10_000 },
    { attempts: 30, want: 10_000 },
  ])('backs off $want ms after $attempts attempts', ({ attempts, want }) => {
    expect(backoffDuration(attempts, 1000, 10_000)).toBe(want);
  });

  it('moves an unschedulable pod back only on an event a rejecting plugin registered, after its backoff', () => {
    const { q, clock } = queue();
    q.add(makePod('p').obj());
    const qp = q.pop()!;
    q.requeueUnschedulable(qp, new Set(['NodeResourcesFit']), q.schedulingCycle);
    expect(q.sizes().unschedulable).toBe(1);
    expect(q.onEvent({ resource: 'Namespace', action: 'Add' })).toBe(0);
    expect(q.onEvent(NODE_ADD)).toBe(1);
    expect(q.pop()).toBeUndefined(); // in backoff for 1 s
    clock.now = 999;
    q.flush();
    expect(q.pop()).toBeUndefined();
    clock.now = 1000;
    q.flush();
    expect(q.pop()!.key).toBe('default/p');
  });

  it('sends a pod to backoff when a move request raced with its attempt', () => {
    const { q } = queue();
    q.add(makePod('p').obj());
    const qp = q.pop()!;
    const cycle = q.schedulingCycle;
    q.onEvent(NODE_ADD);
    q.requeueUnschedulable(qp, new Set(['NodeResourcesFit']), cycle);
    expect(q.sizes()).toMatchObject({ unschedulable: 0, backoff: 1 });
  });

  it('retries pods unschedulable for longer than five minutes without any event', () => {
    const { q, clock } = queue();
    q.add(makePod('p').obj());
    q.requeueUnschedulable(q.pop()!, new Set(['NodeAffinity']), q.schedulingCycle);
    clock.now = 300_000;
    q.flush();
    expect(q.sizes().unschedulable).toBe(1);
    clock.now = 300_001;
    q.flush();
    expect(q.pop()?.key).toBe('default/p');
  });

  it('holds a gated pod outside the active queue until its gates are removed', () => {
    const { q } = queue();
    const pod = makePod('p').obj();
    pod.spec!.schedulingGates = [{ name: 'wait' }];
    q.add(pod);
    expect(q.pop()).toBeUndefined();
    expect(q.onEvent(NODE_ADD)).toBe(0);
    const ungated = structuredClone(pod);
    ungated.spec!.schedulingGates = [];
    q.update(ungated);
    expect(q.pop()?.key).toBe('default/p');
  });

  it('gives an unschedulable pod whose spec changed another chance', () => {
    const { q, clock } = queue();
    q.add(makePod('p').obj());
    q.requeueUnschedulable(q.pop()!, new Set(['NodeAffinity']), q.schedulingCycle);
    clock.now = 5000;
    const changed = makePod('p').nodeSelector({ disk: 'ssd' }).obj();
    q.update(changed);
    expect(q.pop()?.pod.spec?.nodeSelector).toEqual({ disk: 'ssd' });
  });
});
