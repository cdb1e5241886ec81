import { describe, expect, it } from 'vitest';
import { FilterBit, ScoreIndex, Strategy } from '../core/codes.js';
import { isSchedulerError, type SchedulerErrorCode } from '../errors.js';
import type { KubeSchedulerConfiguration } from './config.js';
import { resolveConfig } from './profile.js';

describe('resolveConfig', () => {
  it("gives the default profile kube-scheduler's plugins and weights", () => {
    const [p] = resolveConfig().profiles;
    expect(p!.schedulerName).toBe('default-scheduler');
    expect(p!.enabled.filter).toEqual(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']);
    expect(Object.fromEntries(p!.weights)).toEqual({
      TaintToleration: 3,
      NodeAffinity: 2,
      NodeResourcesFit: 1,
      PodTopologySpread: 2,
      InterPodAffinity: 2,
      NodeResourcesBalancedAllocation: 1,
      ImageLocality: 1,
    });
    expect(p!.core.filterMask).toBe(0xff);
    expect(p!.core.scoreMask).toBe(0x7f);
    expect(p!.core.percentage).toBe(0);
    expect(p!.enabled.postFilter).toEqual(['DefaultPreemption']);
  });

  it('disables a plugin at one point and re-weights another', () => {
    const { profiles } = resolveConfig({
      profiles: [{ plugins: { score: { disabled: [{ name: 'ImageLocality' }], enabled: [{ name: 'NodeResourcesFit', weight: 5 }] } } }],
    });
    const p = profiles[0]!;
    expect(p.enabled.score).not.toContain('ImageLocality');
    expect(p.weights.get('NodeResourcesFit')).toBe(5);
    expect(p.core.weights[ScoreIndex.NodeResourcesFit]).toBe(5);
    expect(p.core.scoreMask & (1 << ScoreIndex.ImageLocality)).toBe(0);
  });

  it('drops every default of a point with "*" and keeps what is enabled', () => {
    const { profiles } = resolveConfig({ profiles: [{ plugins: { filter: { disabled: [{ name: '*' }], enabled: [{ name: 'NodeResourcesFit' }] } } }] });
    expect(profiles[0]!.enabled.filter).toEqual(['NodeResourcesFit']);
    expect(profiles[0]!.core.filterMask).toBe(FilterBit.NodeResourcesFit);
  });

  it('reads plugin args into the core profile', () => {
    const { profiles } = resolveConfig({
      percentageOfNodesToScore: 40,
      profiles: [
        {
          schedulerName: 'packer',
          pluginConfig: [
            { name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 2 }] } } },
            { name: 'InterPodAffinity', args: { hardPodAffinityWeight: 7 } },
          ],
        },
        { schedulerName: 'other', percentageOfNodesToScore: 10 },
      ],
    });
    expect(profiles[0]!.core.fitStrategy).toBe(Strategy.MostAllocated);
    expect(profiles[0]!.core.fitResources).toEqual([{ name: 'cpu', weight: 2 }]);
    expect(profiles[0]!.core.hardPodAffinityWeight).toBe(7);
    expect(profiles[0]!.core.percentage).toBe(40);
    expect(profiles[1]!.core.percentage).toBe(10);
  });

  it('accepts disabling kube-scheduler plugins Skiff does not implement', () => {
    expect(() => resolveConfig({ profiles: [{ plugins: { multiPoint: { disabled: [{ name: 'VolumeBinding' }] } } }] })).not.toThrow();
  });

  const bad: { name: string; config: KubeSchedulerConfiguration; code: SchedulerErrorCode; field: string }[] = [
    { name: 'an unknown plugin', config: { profiles: [{ plugins: { score: { enabled: [{ name: 'Magic' }] } } }] }, code: 'UnknownPlugin', field: 'config.profiles[0].plugins.score.enabled[0].name' },
    { name: 'enabling an unsupported plugin', config: { profiles: [{ plugins: { filter: { enabled: [{ name: 'VolumeBinding' }] } } }] }, code: 'UnknownPlugin', field: 'config.profiles[0].plugins.filter.enabled[0].name' },
    { name: 'a plugin at a point it does not extend', config: { profiles: [{ plugins: { score: { enabled: [{ name: 'NodeName' }] } } }] }, code: 'InvalidConfig', field: 'config.profiles[0].plugins.score.enabled[0]' },
    { name: 'a negative weight', config: { profiles: [{ plugins: { score: { enabled: [{ name: 'ImageLocality', weight: -1 }] } } }] }, code: 'InvalidConfig', field: 'config.profiles[0].plugins.score.enabled[0].weight' },
    { name: 'a percentage above 100', config: { percentageOfNodesToScore: 101 }, code: 'InvalidConfig', field: 'config.percentageOfNodesToScore' },
    { name: 'duplicate scheduler names', config: { profiles: [{}, {}] }, code: 'InvalidConfig', field: 'config.profiles[1].schedulerName' },
    {
      name: 'an unknown scoring strategy',
      config: { profiles: [{ pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'Random' } } }] }] },
      code: 'InvalidConfig',
      field: 'config.profiles[0].pluginConfig[0].args.scoringStrategy.type',
    },
    {
      name: 'a resource weight above 100',
      config: { profiles: [{ pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { resources: [{ name: 'cpu', weight: 101 }] } } }] }] },
      code: 'InvalidConfig',
      field: 'config.profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight',
    },
    {
      name: 'shape points out of order',
      config: {
        profiles: [
          {
            pluginConfig: [
              {
                name: 'NodeResourcesFit',
                args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 50, score: 1 }, { utilization: 10, score: 2 }] } } },
              },
            ],
          },
        ],
      },
      code: 'InvalidConfig',
      field: 'config.profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio.shape[1].utilization',
    },
    { name: 'an unknown args field', config: { profiles: [{ pluginConfig: [{ name: 'InterPodAffinity', args: { hardWeight: 3 } }] }] }, code: 'InvalidConfig', field: 'config.profiles[0].pluginConfig[0].args.hardWeight' },
    { name: 'args for a plugin without args', config: { profiles: [{ pluginConfig: [{ name: 'TaintToleration', args: {} }] }] }, code: 'InvalidConfig', field: 'config.profiles[0].pluginConfig[0].args' },
    {
      name: 'System defaulting with default constraints',
      config: { profiles: [{ pluginConfig: [{ name: 'PodTopologySpread', args: { defaultConstraints: [{ maxSkew: 1, topologyKey: 'k', whenUnsatisfiable: 'DoNotSchedule' }] } }] }] },
      code: 'InvalidConfig',
      field: 'config.profiles[0].pluginConfig[0].args.defaultConstraints',
    },
    {
      name: 'both preemption candidate minimums zero',
      config: { profiles: [{ pluginConfig: [{ name: 'DefaultPreemption', args: { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 0 } }] }] },
      code: 'InvalidConfig',
      field: 'config.profiles[0].pluginConfig[0].args',
    },
    { name: 'scheduler extenders', config: { extenders: [{}] } as KubeSchedulerConfiguration, code: 'InvalidConfig', field: 'config.extenders' },
    { name: 'a wrong apiVersion', config: { apiVersion: 'kubescheduler.config.k8s.io/v1beta2' }, code: 'InvalidConfig', field: 'config.apiVersion' },
  ];
  it.each(bad)('rejects $name', ({ config, code, field }) => {
    let err: unknown;
    try {
      resolveConfig(config);
    } catch (e) {
      err = e;
    }
    expect(isSchedulerError(err, code)).toBe(true);
    expect((err as { details: { field?: string } }).details.field).toBe(field);
  });
});
