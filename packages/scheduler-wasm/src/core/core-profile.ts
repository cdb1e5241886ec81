import { MAX_PROFILE_RESOURCES, MAX_PROFILES, MAX_SHAPE_POINTS, Prof, SCORE_PLUGIN_COUNT, Strategy } from './codes.js';
import type { CoreModel } from '../model/core-model.js';
import { isExtendedResourceName } from '../model/resource-names.js';

/** A profile as the kernels see it: which plugins run, their weights and the arguments the kernels read. */
export interface CoreProfile {
  filterMask: number;
  scoreMask: number;
  /** Weight per ScoreIndex. */
  weights: number[];
  /** percentageOfNodesToScore; 0 = adaptive. */
  percentage: number;
  fitStrategy: number;
  fitResources: { name: string; weight: number }[];
  /** RequestedToCapacityRatio shape: utilization 0-100, score 0-10 (scaled to 0-100 here). */
  shape: { utilization: number; score: number }[];
  ignoredResources: string[];
  ignoredResourceGroups: string[];
  balancedResources: string[];
  hardPodAffinityWeight: number;
  ignorePreferredTermsOfExistingPods: boolean;
}

/**
 * Writes profiles into the prof region. The ignored-resource mask depends on which resource columns exist, so
 * every profile is rewritten when a new resource name gets a column.
 */
export class ProfileWriter {
  private readonly profiles: (CoreProfile | undefined)[] = [];

  constructor(private readonly model: CoreModel) {
    model.onResourceColumn(() => this.rewriteAll());
  }

  write(index: number, p: CoreProfile): void {
    if (index < 0 || index >= MAX_PROFILES) throw new RangeError(`at most ${MAX_PROFILES} profiles`);
    if (p.fitResources.length > MAX_PROFILE_RESOURCES || p.balancedResources.length > MAX_PROFILE_RESOURCES) {
      throw new RangeError(`at most ${MAX_PROFILE_RESOURCES} scoring resources`);
    }
    if (p.shape.length > MAX_SHAPE_POINTS) throw new RangeError(`at most ${MAX_SHAPE_POINTS} shape points`);
    // Resolve names first: new columns may re-lay out the table.
    const fitCols = p.fitResources.map((r) => this.model.resourceColumn(r.name));
    const balCols = p.balancedResources.map((r) => this.model.resourceColumn(r));
    this.profiles[index] = p;
    const w = this.model.table.v.prof;
    const base = index * Prof.Words;
    w.fill(0, base, base + Prof.Words);
    w[base + Prof.FilterMask] = p.filterMask;
    w[base + Prof.ScoreMask] = p.scoreMask;
    for (let i = 0; i < SCORE_PLUGIN_COUNT; i++) w[base + Prof.Weights + i] = p.weights[i] ?? 0;
    w[base + Prof.Percentage] = p.percentage;
    w[base + Prof.FitStrategy] = p.fitStrategy;
    w[base + Prof.FitResCount] = fitCols.length;
    fitCols.forEach((col, i) => {
      w[base + Prof.FitRes + 2 * i] = col;
      w[base + Prof.FitRes + 2 * i + 1] = p.fitResources[i]!.weight;
    });
    w[base + Prof.ShapeCount] = p.fitStrategy === Strategy.RequestedToCapacityRatio ? p.shape.length : 0;
    p.shape.forEach((pt, i) => {
      w[base + Prof.Shape + 2 * i] = pt.utilization;
      w[base + Prof.Shape + 2 * i + 1] = pt.score * 10;
    });
    w[base + Prof.BalResCount] = balCols.length;
    balCols.forEach((col, i) => (w[base + Prof.BalRes + i] = col));
    w[base + Prof.IgnoredMask] = this.ignoredMask(p);
    w[base + Prof.HardAffinityWeight] = p.hardPodAffinityWeight;
    w[base + Prof.IgnorePreferredOfExisting] = p.ignorePreferredTermsOfExistingPods ? 1 : 0;
    this.model.table.bumpEpoch();
  }

  /** Bit per extended-resource column that NodeResourcesFit's filter ignores (by name or by domain). */
  private ignoredMask(p: CoreProfile): number {
    if (p.ignoredResources.length === 0 && p.ignoredResourceGroups.length === 0) return 0;
    const names = this.model.ids.resources;
    let mask = 0;
    for (let col = 0; col < names.size; col++) {
      const name = names.name(col);
      if (!isExtendedResourceName(name)) continue;
      if (p.ignoredResources.includes(name) || p.ignoredResourceGroups.includes(name.split('/')[0]!)) mask |= 1 << col;
    }
    return mask;
  }

  private rewriteAll(): void {
    this.profiles.forEach((p, i) => {
      if (p) this.model.table.v.prof[i * Prof.Words + Prof.IgnoredMask] = this.ignoredMask(p);
    });
    this.model.table.bumpEpoch();
  }
}
