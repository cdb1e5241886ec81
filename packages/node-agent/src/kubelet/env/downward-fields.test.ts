import { describe, expect, it } from 'vitest';
import { formatMap, podFieldValue, resourceFieldValue } from './downward-fields.js';

const pod = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web', tier: 'front' }, annotations: { note: 'a "b"' } },
  spec: { nodeName: 'n1', serviceAccountName: 'sa' },
};
const runtime = { podIPs: ['10.0.0.5'], hostIPs: ['192.168.1.2'] };
const node = { cpuMilli: 4000, memoryBytes: 8 * 1024 ** 3, ephemeralStorageBytes: 100 * 1024 ** 3 };

describe('podFieldValue', () => {
  it.each([
    ['metadata.name', 'web'],
    ['metadata.namespace', 'shop'],
    ['metadata.uid', 'u-1'],
    ["metadata.labels['tier']", 'front'],
    ['spec.nodeName', 'n1'],
    ['spec.serviceAccountName', 'sa'],
    ['status.podIP', '10.0.0.5'],
    ['status.hostIP', '192.168.1.2'],
  ])('reads %s as %j', (path, want) => {
    expect(podFieldValue(pod, path, runtime)).toBe(want);
  });

  it('gives whole label maps only to volumes, as sorted key="value" lines', () => {
    expect(podFieldValue(pod, 'metadata.labels', runtime, true)).toBe('app="web"\ntier="front"');
    expect(formatMap(pod.metadata.annotations)).toBe('note="a \\"b\\""');
    expect(() => podFieldValue(pod, 'metadata.labels', runtime)).toThrow(/unsupported fieldPath/);
  });
});

describe('resourceFieldValue', () => {
  const resources = { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1500m', memory: '128Mi' } };
  it.each([
    ['limits.cpu', undefined, '2'],
    ['limits.cpu', '1m', '1500'],
    ['requests.cpu', '1m', '250'],
    ['limits.memory', '1Mi', '128'],
    ['requests.memory', undefined, String(64 * 1024 * 1024)],
  ])('reads %s with divisor %s as %s', (resource, divisor, want) => {
    expect(resourceFieldValue(resources, resource, divisor, node)).toBe(want);
  });

  it("reads an unset limit as the node's allocatable", () => {
    expect(resourceFieldValue({}, 'limits.memory', '1Gi', node)).toBe('8');
    expect(resourceFieldValue({}, 'limits.cpu', undefined, node)).toBe('4');
  });
});
