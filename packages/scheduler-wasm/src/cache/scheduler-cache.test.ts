import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../test-util/builders.js';
import { CoreHarness } from '../../test-util/core-harness.js';
import { Hdr } from '../core/codes.js';
import { encodePod } from '../model/encode-pod.js';
import { NodeTree } from './node-tree.js';
import { SchedulerCache } from './scheduler-cache.js';

function cache(ttl = 0) {
  const h = new CoreHarness('ts');
  const clock = { now: 0 };
  const model = h.core.model;
  const c = new SchedulerCache(model, (p) => encodePod(p, model, h.options(p)), () => clock.now, ttl);
  return { c, model, clock };
}

describe('SchedulerCache', () => {
  it('rewrites only the nodes that changed since the last snapshot', () => {
    const { c } = cache();
    for (const n of ['a', 'b', 'c']) c.upsertNode(makeNode(n).obj());
    expect(c.updateSnapshot()).toBe(3);
    expect(c.updateSnapshot()).toBe(0);
    c.upsertNode(makeNode('b').label('x', '1').obj());
    c.upsertNode(makeNode('b').label('x', '2').obj());
    expect(c.updateSnapshot()).toBe(1);
  });

  it('accounts an assumed pod on its node until it is forgotten', () => {
    const { c, model } = cache();
    c.upsertNode(makeNode('a').obj());
    c.updateSnapshot();
    const slot = model.nodeSlot('a')!;
    const pod = makePod('p').req({ cpu: '1' }).obj();
    c.assume(pod, 'a');
    expect(model.table.v.podCount[slot]).toBe(1);
    expect(model.table.v.req[slot]).toBe(1000);
    c.forget(pod);
    expect(model.table.v.podCount[slot]).toBe(0);
    expect(model.table.v.req[slot]).toBe(0);
  });

  it('confirms an assumed pod when it shows up bound to the same node, and moves it otherwise', () => {
    const { c, model } = cache();
    c.upsertNode(makeNode('a').obj());
    c.upsertNode(makeNode('b').obj());
    c.updateSnapshot();
    const pod = makePod('p').obj();
    c.assume(pod, 'a');
    c.addPod(makePod('p').node('a').obj());
    expect(c.get('default/p')!.assumed).toBe(false);
    c.addPod(makePod('p').node('b').obj());
    expect(c.get('default/p')!.nodeName).toBe('b');
    expect(model.table.v.podCount[model.nodeSlot('a')!]).toBe(0);
    expect(model.table.v.podCount[model.nodeSlot('b')!]).toBe(1);
  });

  it('expires an assumed pod whose binding finished but never got confirmed', () => {
    const { c, clock } = cache(30_000);
    c.upsertNode(makeNode('a').obj());
    const pod = makePod('p').obj();
    c.assume(pod, 'a');
    c.finishBinding(pod);
    clock.now = 29_999;
    expect(c.cleanupExpired()).toEqual([]);
    clock.now = 30_000;
    expect(c.cleanupExpired().map((p) => p.key)).toEqual(['default/p']);
    expect(c.get('default/p')).toBeUndefined();
  });

  it('keeps a removed node out of the order while its pods stay accounted until they go', () => {
    const { c, model } = cache();
    c.upsertNode(makeNode('a').obj());
    c.upsertNode(makeNode('b').obj());
    c.addPod(makePod('p').node('a').obj());
    c.updateSnapshot();
    c.removeNode('a');
    c.updateSnapshot();
    expect(model.table.v.hdr[Hdr.OrderLen]).toBe(1);
    expect(model.nodeSlot('a')).toBeDefined();
    c.removePod(makePod('p').node('a').obj());
    c.updateSnapshot();
    expect(model.nodeSlot('a')).toBeUndefined();
  });
});

describe('NodeTree', () => {
  it('lists nodes round-robin across zones', () => {
    const t = new NodeTree();
    const zone = (n: string, z: string) => makeNode(n).label('topology.kubernetes.io/zone', z).obj();
    for (const n of [zone('a1', 'a'), zone('a2', 'a'), zone('a3', 'a'), zone('b1', 'b'), makeNode('x').obj()]) t.upsert(n);
    expect(t.list()).toEqual(['a1', 'b1', 'x', 'a2', 'a3']);
    t.upsert(zone('a2', 'b'));
    expect(t.list()).toEqual(['a1', 'b1', 'x', 'a3', 'a2']);
  });
});
