import { describe, expect, it } from 'vitest';
import { cpuQuotaFor, cpuSharesFor, linuxResources, oomScoreAdjFor } from './container-resources.js';

const GI = 1024 ** 3;

describe('container resources', () => {
  it.each([
    [undefined, 2],
    [0, 2],
    [1, 2],
    [250, 256],
    [1000, 1024],
    [2500, 2560],
  ])('a cpu request of %s millicores gives %i shares', (milli, shares) => {
    expect(cpuSharesFor(milli)).toBe(shares);
  });

  it.each([
    [undefined, 0],
    [5, 1000],
    [500, 50_000],
    [2000, 200_000],
  ])('a cpu limit of %s millicores gives a quota of %i us per 100 ms', (milli, quota) => {
    expect(cpuQuotaFor(milli)).toBe(quota);
  });

  it.each([
    ['Guaranteed', 1 * GI, -997],
    ['BestEffort', undefined, 1000],
    ['Burstable', 1 * GI, 750],
    ['Burstable', 4 * GI, 3],
    ['Burstable', 0, 999],
  ] as const)('%s with a memory request of %s on a 4Gi node gets oom_score_adj %i', (qos, request, adj) => {
    expect(oomScoreAdjFor(qos, request, 4 * GI)).toBe(adj);
  });

  it('turns requests and limits into CRI resources', () => {
    expect(linuxResources({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }, 'Burstable', 4 * GI)).toEqual({
      cpuShares: 256,
      cpuQuota: 50_000,
      cpuPeriod: 100_000,
      memoryLimitInBytes: 128 * 1024 * 1024,
      oomScoreAdj: 985,
    });
  });

  it('takes limits as requests when requests are absent', () => {
    expect(linuxResources({ limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed', 4 * GI)).toMatchObject({ cpuShares: 1024, memoryLimitInBytes: GI, oomScoreAdj: -997 });
  });
});
