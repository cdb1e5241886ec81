/**
 * The kubelet's Summary API document (GET /stats/summary): per pod and container, CPU (nano-cores over the last
 * sample window) and memory working set, from ResourceUsageSampler.
 *
 * Each CPU figure carries `windowSeconds`, the window it is averaged over (a Skiff addition to the Summary API: the
 * metrics API reports it as the window). The node's own figures are the sum of its pods'. Every Skiff node of a cluster shares one host, so the host's
 * totals would count each node's neighbours too; a node's pods are what it runs.
 */
import type { ContainerUsageSample } from './resource-usage-sampler.js';

function cpu(time: string, nanoCores: number | undefined, windowMs: number | undefined) {
  return nanoCores === undefined ? { time } : { time, usageNanoCores: nanoCores, windowSeconds: Math.round(windowMs ?? 0) / 1000 };
}

const longestWindow = (samples: readonly ContainerUsageSample[]) => Math.max(0, ...samples.map((s) => s.cpuWindowMs ?? 0));

function memory(time: string, bytes: number | undefined) {
  return bytes === undefined ? { time } : { time, workingSetBytes: bytes };
}

function sum(values: (number | undefined)[]): number | undefined {
  return values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, v) => a + v!, 0);
}

export function statsSummary(nodeName: string, startTime: string, pods: readonly any[], samples: readonly ContainerUsageSample[]): unknown {
  const byPod = new Map<string, ContainerUsageSample[]>();
  for (const s of samples) {
    const list = byPod.get(s.pod.uid) ?? [];
    list.push(s);
    byPod.set(s.pod.uid, list);
  }
  const at = samples.length ? new Date(Math.max(...samples.map((s) => s.at))).toISOString() : new Date().toISOString();
  const podStats = pods
    .filter((p) => byPod.has(p.metadata?.uid))
    .map((p) => {
      const own = byPod.get(p.metadata.uid)!;
      const time = new Date(own[0]!.at).toISOString();
      return {
        podRef: { name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
        startTime: p.status?.startTime ?? time,
        containers: own.map((c) => ({ name: c.container, cpu: cpu(time, c.cpuNanoCores, c.cpuWindowMs), memory: memory(time, c.memoryWorkingSetBytes) })),
        cpu: cpu(time, sum(own.map((c) => c.cpuNanoCores)), longestWindow(own)),
        memory: memory(time, sum(own.map((c) => c.memoryWorkingSetBytes))),
      };
    });
  return {
    node: {
      nodeName,
      startTime,
      // What is known so far: a container seen once has no CPU rate yet.
      cpu: cpu(at, samples.reduce((a, c) => a + (c.cpuNanoCores ?? 0), 0), longestWindow(samples)),
      memory: memory(at, samples.reduce((a, c) => a + (c.memoryWorkingSetBytes ?? 0), 0)),
    },
    pods: podStats,
  };
}
