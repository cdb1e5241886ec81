/**
 * CPU and memory of this node's containers, sampled from the runtime (CRI ListContainerStats) every `intervalMs`,
 * for the kubelet's Summary API (/stats/summary) that the API server's metrics.k8s.io reads (`kubectl top`).
 *
 * CPU usage is a rate, so it needs two samples: each sample's cumulative CPU time is compared with the previous
 * sample of the same container, a window of about `intervalMs` (metrics-server scrapes every 15 s for the same
 * reason). A container seen once has memory but no CPU yet.
 */
import type { CriClient } from '../../cri/cri-client.js';
import { CONTAINER_NAME, podRefOf, type PodRef } from '../cri-labels.js';

export interface ContainerUsageSample {
  pod: PodRef;
  container: string;
  /** Wall-clock time of the sample, ms. */
  at: number;
  /** Average over the window to the previous sample; undefined until there is one. */
  cpuNanoCores?: number;
  /** The window cpuNanoCores is averaged over, ms. */
  cpuWindowMs?: number;
  memoryWorkingSetBytes?: number;
}

interface CpuPoint {
  atNs: number;
  usageNs: number;
  /** The rate last measured up to this point, carried over by samples that come too soon after it. */
  nanoCores?: number;
  windowMs?: number;
}

export class ResourceUsageSampler {
  private readonly previous = new Map<string, CpuPoint>();
  private current: ContainerUsageSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly cri: Pick<CriClient, 'listContainerStats'>,
    private readonly intervalMs = 10_000,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.sample().catch(() => undefined);
    this.timer = setInterval(() => void this.sample().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The latest sample of every running container of a pod this agent manages. */
  latest(): readonly ContainerUsageSample[] {
    return this.current;
  }

  /** Takes one sample now (one at a time: a call during a sample waits for it). */
  sample(): Promise<void> {
    this.inFlight ??= this.take().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async take(): Promise<void> {
    const { stats } = await this.cri.listContainerStats({});
    const at = Date.now();
    const seen = new Set<string>();
    const next: ContainerUsageSample[] = [];
    for (const s of stats) {
      const id = s.attributes?.id;
      const labels = s.attributes?.labels ?? {};
      const pod = podRefOf(labels);
      if (!id || !pod) continue;
      seen.add(id);
      const sample: ContainerUsageSample = { pod, container: labels[CONTAINER_NAME] ?? s.attributes?.metadata?.name ?? '', at };
      const usageNs = s.cpu?.usageCoreNanoSeconds?.value;
      const atNs = s.cpu?.timestamp;
      if (usageNs !== undefined && atNs) {
        const prev = this.previous.get(id);
        if (prev && atNs > prev.atNs && usageNs >= prev.usageNs && (atNs - prev.atNs) / 1e6 < this.intervalMs / 2) {
          // An on-demand sample right after a timed one: a rate over a few ms is noise, so the last one stands and
          // the next window still starts at the older point.
          if (prev.nanoCores !== undefined) {
            sample.cpuNanoCores = prev.nanoCores;
            sample.cpuWindowMs = prev.windowMs;
          }
        } else {
          const point: CpuPoint = { atNs, usageNs };
          if (prev && atNs > prev.atNs && usageNs >= prev.usageNs) {
            point.nanoCores = sample.cpuNanoCores = Math.round(((usageNs - prev.usageNs) / (atNs - prev.atNs)) * 1e9);
            point.windowMs = sample.cpuWindowMs = (atNs - prev.atNs) / 1e6;
          }
          this.previous.set(id, point);
        }
      }
      const ws = s.memory?.workingSetBytes?.value;
      if (ws !== undefined) sample.memoryWorkingSetBytes = ws;
      next.push(sample);
    }
    for (const id of this.previous.keys()) if (!seen.has(id)) this.previous.delete(id);
    this.current = next;
  }
}
