import { invalidConfig } from '../../errors.js';
import { ArgsReader, readResources } from '../../framework/args-reader.js';

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface NodeResourcesFitArgs {
  ignoredResources: string[];
  ignoredResourceGroups: string[];
  scoringStrategy: {
    type: ScoringStrategyType;
    resources: { name: string; weight: number }[];
    requestedToCapacityRatio?: { shape: { utilization: number; score: number }[] };
  };
}

export function defaultFitArgs(): NodeResourcesFitArgs {
  return {
    ignoredResources: [],
    ignoredResourceGroups: [],
    scoringStrategy: {
      type: 'LeastAllocated',
      resources: [
        { name: 'cpu', weight: 1 },
        { name: 'memory', weight: 1 },
      ],
    },
  };
}

const strategies: readonly ScoringStrategyType[] = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];

/** NodeResourcesFitArgs with v1 defaulting and validation (weights 1-100, shape points strictly increasing). */
export function parseFitArgs(raw: unknown, field: string): NodeResourcesFitArgs {
  const r = new ArgsReader(raw, field, ['ignoredResources', 'ignoredResourceGroups', 'scoringStrategy']);
  const out = defaultFitArgs();
  out.ignoredResources = r.strings('ignoredResources');
  out.ignoredResourceGroups = r.strings('ignoredResourceGroups');
  out.ignoredResourceGroups.forEach((g, i) => {
    if (!g || g.includes('/')) throw invalidConfig(`${field}.ignoredResourceGroups[${i}]`, `"${g}" must be a non-empty name without "/"`);
  });
  if (r.has('scoringStrategy')) {
    const s = new ArgsReader(r.raw('scoringStrategy'), `${field}.scoringStrategy`, ['type', 'resources', 'requestedToCapacityRatio']);
    const type = s.string('type', 'LeastAllocated') as ScoringStrategyType;
    if (!strategies.includes(type)) throw invalidConfig(`${s.field}.type`, `"${type}" is not one of ${strategies.join(', ')}`);
    out.scoringStrategy = { type, resources: readResources(s, 'resources', out.scoringStrategy.resources) };
    if (type === 'RequestedToCapacityRatio') {
      const rr = new ArgsReader(s.raw('requestedToCapacityRatio'), `${s.field}.requestedToCapacityRatio`, ['shape']);
      const shape = rr.list('shape').map((p, i) => {
        const pr = new ArgsReader(p, `${rr.field}.shape[${i}]`, ['utilization', 'score']);
        return { utilization: pr.int('utilization', 0, 0, 100), score: pr.int('score', 0, 0, 10) };
      });
      if (shape.length === 0) throw invalidConfig(`${rr.field}.shape`, 'needs at least one point');
      for (let i = 1; i < shape.length; i++) {
        if (shape[i]!.utilization <= shape[i - 1]!.utilization) {
          throw invalidConfig(`${rr.field}.shape[${i}].utilization`, 'utilization values must be sorted in increasing order');
        }
      }
      out.scoringStrategy.requestedToCapacityRatio = { shape };
    } else if (s.has('requestedToCapacityRatio')) {
      throw invalidConfig(`${s.field}.requestedToCapacityRatio`, `only allowed with type RequestedToCapacityRatio`);
    }
  }
  return out;
}
