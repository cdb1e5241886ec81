import type { Pod } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import { evictionTime, type Taint, type Toleration } from './taint-eviction.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' };
const admissionDefault: Toleration = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const pod = (tolerations: Toleration[]): Pod => ({ metadata: { name: 'p' }, spec: { containers: [], tolerations } });

describe('evictionTime', () => {
  it.each([
    { why: 'no NoExecute taint', taints: [{ key: 'x', effect: 'NoSchedule' }], tolerations: [], defaultSeconds: undefined, want: undefined },
    { why: 'an untolerated NoExecute taint', taints: [unreachable], tolerations: [], defaultSeconds: undefined, want: 0 },
    { why: 'the 300 s admission default', taints: [unreachable], tolerations: [admissionDefault], defaultSeconds: undefined, want: T0 + 300_000 },
    { why: 'the admission default, shortened by the controller', taints: [unreachable], tolerations: [admissionDefault], defaultSeconds: 2, want: T0 + 2_000 },
    { why: 'an explicit toleration, not shortened', taints: [unreachable], tolerations: [{ ...admissionDefault, tolerationSeconds: 60 }], defaultSeconds: 2, want: T0 + 60_000 },
    { why: 'a toleration without seconds (forever)', taints: [unreachable], tolerations: [{ operator: 'Exists' }], defaultSeconds: undefined, want: Infinity },
    { why: 'the shortest of several matching tolerations', taints: [unreachable], tolerations: [{ operator: 'Exists', tolerationSeconds: 100 }, { ...admissionDefault, tolerationSeconds: 10 }], defaultSeconds: undefined, want: T0 + 10_000 },
    { why: 'a value that does not match an Equal toleration', taints: [{ key: 'k', value: 'a', effect: 'NoExecute' }], tolerations: [{ key: 'k', operator: 'Equal', value: 'b' }], defaultSeconds: undefined, want: 0 },
  ])('evicts for $why at $want', ({ taints, tolerations, defaultSeconds, want }) => {
    expect(evictionTime(pod(tolerations as Toleration[]), taints as Taint[], T0, defaultSeconds)).toBe(want);
  });
});
