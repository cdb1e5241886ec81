import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podResources } from './pod-resources.js';

const c = (cpu?: string, memory?: string, restartPolicy?: string) => ({
  name: 'c',
  restartPolicy,
  resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
});

describe('podResources', () => {
  it.each([
    { name: 'containers add up', pod: { containers: [c('100m', '1Mi'), c('200m')] }, cpu: 300, nzCpu: 300, nzMem: 1024 ** 2 + 200 * 1024 ** 2 },
    { name: 'an init container bigger than the sum wins', pod: { containers: [c('100m')], initContainers: [c('500m')] }, cpu: 500, nzCpu: 500, nzMem: 200 * 1024 ** 2 },
    {
      name: 'a sidecar adds to the containers and to later init containers',
      pod: { containers: [c('100m')], initContainers: [c('50m', undefined, 'Always'), c('300m')] },
      cpu: 350,
      nzCpu: 350,
      nzMem: 400 * 1024 ** 2,
    },
    { name: 'overhead is added', pod: { containers: [c('100m')], overhead: { cpu: '10m' } }, cpu: 110, nzCpu: 110, nzMem: 200 * 1024 ** 2 },
    { name: 'a container without requests gets non-zero defaults only', pod: { containers: [c()] }, cpu: 0, nzCpu: 100, nzMem: 200 * 1024 ** 2 },
  ])('$name', ({ pod, cpu, nzCpu, nzMem }) => {
    const r = podResources({ spec: pod } as V1Pod);
    expect(r.requests.get('cpu') ?? 0).toBe(cpu);
    expect(r.nonZeroCpu).toBe(nzCpu);
    expect(r.nonZeroMemory).toBe(nzMem);
  });
});
