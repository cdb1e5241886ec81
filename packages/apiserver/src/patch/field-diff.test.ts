import { deepCopy, type KubeObject } from '@skiff/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { diffFields } from './field-diff.js';
import { FieldSet } from './field-set.js';
import { trackUpdate, trackUpdateByPaths, type WriteManager } from './managed-fields.js';
import { PathTrie, fieldsV1With, fieldsV1Without } from './path-trie.js';
import type { Scope } from './field-set.js';
import { seededRandom as rng } from '../../test-util/seeded-random.js';

const basePod = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    labels: { app: 'web', tier: 'front' },
    finalizers: ['a.example.com/f'],
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'o1', controller: true }],
  },
  spec: {
    containers: [
      { name: 'app', image: 'nginx:1', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }], resources: { requests: { cpu: '100m' } } },
      { name: 'side', image: 'busybox', securityContext: {} },
    ],
    tolerations: [{ key: 'k', operator: 'Exists' }],
    securityContext: {},
    volumes: [],
  },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }], podIPs: [{ ip: '10.0.0.1' }] },
});

type Mutation = (o: any, r: () => number) => void;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// Ordinary changes (the trie way must take them) and odd ones (it may hand them to the path way).
const ordinary: Mutation[] = [
  (o, r) => (o.spec.containers[0].image = pick(r, ['nginx:1', 'nginx:2', 'nginx:3'])),
  (o) => (o.spec.nodeName = 'node-1'),
  (o, r) => (o.metadata.labels[pick(r, ['app', 'tier', 'new'])] = pick(r, ['x', 'y'])),
  (o, r) => delete o.metadata.labels[pick(r, ['app', 'tier'])],
  (o) => o.spec.containers.push({ name: 'extra', image: 'e' }),
  (o) => o.spec.containers.reverse(),
  (o) => o.spec.containers.pop(),
  (o) => o.spec.containers[0].ports.push({ containerPort: 81, protocol: 'UDP' }),
  (o) => (o.spec.containers[0].ports = []),
  (o) => (o.spec.containers[0].env[0].value = '2'),
  (o) => (o.spec.securityContext = { runAsUser: 1 }),
  (o) => (o.spec.containers[1].securityContext = { privileged: false }),
  (o) => (o.spec.volumes = [{ name: 'v', emptyDir: {} }]),
  (o) => (o.spec.tolerations = []),
  (o) => o.spec.tolerations.push({ key: 'z' }),
  (o, r) => (o.status.phase = pick(r, ['Running', 'Pending'])),
  (o) => (o.status.conditions[0].status = 'False'),
  (o) => o.status.conditions.push({ type: 'Ready', status: 'True', lastProbeTime: null }),
  (o) => (o.status.conditions = []),
  (o) => (o.status.podIPs = [{ ip: '10.0.0.2' }, { ip: '10.0.0.1' }]),
  (o) => (o.status.containerStatuses = [{ name: 'app', ready: true, state: { running: { startedAt: 't' } } }]),
  (o) => delete o.status,
  (o) => (o.metadata.finalizers = ['b.example.com/f', 'a.example.com/f']),
  (o) => (o.metadata.finalizers = []),
  (o) => delete o.metadata.finalizers,
  (o) => (o.metadata.annotations = { note: 'hi' }),
  (o) => (o.metadata.labels = 'not a map'),
  (o) => (o.spec.containers = { app: true }),
  (o) => (o.spec.containers[0].resources = null),
  (o) => (o.spec.containers[0].resources.requests = {}),
  (o) => (o.spec.containers[0].env[0].value = undefined),
  (o) => (o.spec.tolerations[0] = { operator: 'Exists', key: 'k' }),
  (o) => (o.metadata.ownerReferences[0].controller = false),
  (o) => (o.metadata.resourceVersion = '7'),
  (o) => (o.spec.priority = Number.NaN),
];
const odd: Mutation[] = [
  (o) => o.spec.containers.push({ name: 'app', image: 'dup' }),
  (o) => o.spec.containers.push({ image: 'nameless' }),
  (o) => o.spec.containers.push('not an object'),
  (o) => o.spec.containers[0].ports.push({ protocol: 'TCP' }),
  (o) => o.status.conditions.push({ type: 'PodScheduled', status: 'Unknown' }),
  (o) => (o.metadata.finalizers = [{ b: 1, a: 2 }]),
  (o) => (o.metadata.labels['odd\u0001key'] = 'v'),
  (o) => (o.spec['zero\u0000key'] = 1),
  (o) => (o.spec.containers[0].name = { nested: true }),
  (o) => (o.metadata = 'broken'),
];

const managers: WriteManager[] = [
  { name: 'kubectl', subresource: '' },
  { name: 'scheduler', subresource: 'binding' },
  { name: 'kubelet', subresource: 'status' },
  { name: 'controller', subresource: '' },
];

const scopeFor = (who: WriteManager, r: () => number): Scope => (who.subresource === 'status' ? 'status' : pick(r, ['main', 'all'] as const));

function mutate(o: any, r: () => number, pool: Mutation[], n: number): void {
  for (let i = 0; i < n; i++) {
    try {
      pick(r, pool)(o, r);
    } catch {
      // A mutation that does not apply to this shape (e.g. after another replaced the list) is skipped.
    }
  }
}

/** Runs both ways on copies of the same update; they must write the same managedFields, byte for byte. */
function expectSameAsPaths(prev: KubeObject, next: KubeObject, who: WriteManager, scope: Scope): KubeObject {
  const byTrie = deepCopy(next);
  const byPaths = deepCopy(next);
  trackUpdate(deepCopy(prev), byTrie, who, scope);
  // trackUpdate's shortcut for a sole manager comes before either way; the reference takes it too.
  const entries = (prev.metadata.managedFields ?? []) as { manager: string; operation: string; subresource?: string }[];
  const onlyMine = entries.every((e) => e.manager === who.name && e.operation === 'Update' && (e.subresource || undefined) === (who.subresource || undefined));
  if (onlyMine && scope !== 'status') trackUpdate(deepCopy(prev), byPaths, who, scope);
  else trackUpdateByPaths(deepCopy(prev), byPaths, who, scope);
  expect(JSON.stringify(byTrie.metadata?.managedFields)).toBe(JSON.stringify(byPaths.metadata?.managedFields));
  return byPaths;
}

describe('managedFields by trie', () => {
  beforeAll(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterAll(() => vi.useRealTimers());

  it('writes what the path way writes, over chains of random updates by several managers', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      let live = basePod();
      trackUpdateByPaths(undefined, live, managers[0]!, 'main');
      for (let step = 0; step < 6; step++) {
        const who = pick(r, managers);
        const next = deepCopy(live);
        mutate(next, r, r() < 0.15 ? [...ordinary, ...odd] : ordinary, 1 + Math.floor(r() * 3));
        if (typeof next.metadata !== 'object' || next.metadata === null) break;
        next.metadata.managedFields = live.metadata.managedFields;
        try {
          live = expectSameAsPaths(live, next, who, scopeFor(who, r));
        } catch (e) {
          throw new Error(`seed ${seed} step ${step}: ${(e as Error).message}`);
        }
      }
    }
  });

  it('takes the trie way for ordinary changes', () => {
    const prev = basePod();
    for (const m of ordinary) {
      const next = deepCopy(prev);
      m(next, rng(1));
      for (const scope of ['main', 'status', 'all'] as const) expect(diffFields(prev, next, scope)).toBeDefined();
    }
  });

  it('leaves lists valueAt pairs differently, and keys that sort differently, to the path way', () => {
    const prev = basePod();
    for (const m of odd.slice(0, 9)) {
      const next = deepCopy(prev);
      m(next, rng(1));
      expect(diffFields(prev, next, 'all')).toBeUndefined();
    }
  });

  it('finds only what changed in a binding and in a status update', () => {
    const prev = basePod();
    const bound = deepCopy(prev);
    bound.spec.nodeName = 'n1';
    const d = diffFields(prev, bound, 'main')!;
    expect(fieldsV1With(undefined, d.changed)).toEqual({ 'f:spec': { 'f:nodeName': {} } });
    expect(d.removed.hasPaths()).toBe(false);

    const running = deepCopy(prev);
    running.status.conditions = [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }];
    running.status.podIPs = [];
    const s = diffFields(prev, running, 'status')!;
    expect(fieldsV1With(undefined, s.changed)).toEqual({
      'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:podIPs': {} },
    });
    expect(fieldsV1With(undefined, s.removed)).toEqual({ 'f:status': { 'f:podIPs': { 'k:{"ip":"10.0.0.1"}': { '.': {}, 'f:ip': {} } } } });
  });
});

describe('FieldsV1 against path tries', () => {
  it('writes FieldsV1 as FieldSet does: leaves only, sorted by key', () => {
    const v1 = { 'f:spec': { 'f:b': {}, 'f:a': { 'f:x': {} }, 'f:ab': {}, 'f:gone': { 'f:y': 1 } }, 'f:metadata': {} };
    const out = fieldsV1Without(v1);
    expect(JSON.stringify(out)).toBe(JSON.stringify(FieldSet.fromFieldsV1(v1).toFieldsV1()));
    expect(JSON.stringify(out)).toBe('{"f:metadata":{},"f:spec":{"f:a":{"f:x":{}},"f:ab":{},"f:b":{}}}');
  });

  it('keeps parts already in order and untouched, and copies the rest', () => {
    const v1 = { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:a': {}, 'f:b': {} } };
    const minus = new PathTrie();
    minus.mark(['f:spec', 'f:b']);
    const out = fieldsV1Without(v1, minus)!;
    expect(out['f:metadata']).toBe(v1['f:metadata']);
    expect(out['f:spec']).toEqual({ 'f:a': {} });
    expect(v1['f:spec']).toEqual({ 'f:a': {}, 'f:b': {} });
    expect(fieldsV1Without(v1)).toBe(v1);
  });

  it('leaves nothing of an emptied set, and adds paths in order', () => {
    const minus = new PathTrie();
    minus.mark(['f:spec', 'f:a', 'f:x']);
    expect(fieldsV1Without({ 'f:spec': { 'f:a': { 'f:x': {} } } }, minus)).toBeUndefined();
    expect(fieldsV1Without({})).toBeUndefined();
    const add = new PathTrie();
    add.mark(['f:spec', 'f:c']);
    add.mark(['f:spec', 'f:a', 'f:y']);
    add.unmark(['f:spec', 'f:a', 'f:y']);
    expect(JSON.stringify(fieldsV1With({ 'f:spec': { 'f:b': {}, 'f:d': {} } }, add))).toBe('{"f:spec":{"f:b":{},"f:c":{},"f:d":{}}}');
    expect(fieldsV1With(undefined, new PathTrie())).toBeUndefined();
  });

  it('refuses keys that FieldSet would sort differently', () => {
    expect(() => fieldsV1Without({ 'f:a\u0001b': {} })).toThrow();
  });
});
