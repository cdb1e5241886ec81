/**
 * Removes every pod sandbox a node's CRI runtime still holds, through the CRI itself: containers stopped with a
 * grace period, then sandboxes stopped (which releases their network namespaces and CNI addresses) and removed.
 *
 * Why: stopping the runtime leaves containers running on purpose (a restarted runtime adopts them), but when the
 * cluster stops, a node must leave nothing behind. The node agent terminates its pods gracefully first; this
 * sweep makes sure of it, and is also what `skiff reset` uses after a crash.
 */
import { createCriClient } from '@skiff/node-agent';

export interface SweepResult {
  sandboxes: number;
  containers: number;
  failures: string[];
}

/** The annotation the node agent puts on containers with their pod's terminationGracePeriodSeconds. */
const GRACE_ANNOTATION = 'io.kubernetes.pod.terminationGracePeriod';

/**
 * Each container gets its pod's own grace period (from the node agent's annotation), or `graceSeconds` when it
 * has none, but never more than `maxGraceSeconds`: stopping a cluster must end.
 */
export async function sweepRuntime(socketPath: string, graceSeconds: number, maxGraceSeconds = graceSeconds): Promise<SweepResult> {
  const cri = createCriClient(socketPath, { timeoutMs: (maxGraceSeconds + 30) * 1000 });
  const graceOf = (annotations: Record<string, string> | undefined) => {
    const own = Number(annotations?.[GRACE_ANNOTATION]);
    return Math.min(Number.isInteger(own) && own >= 0 ? own : graceSeconds, maxGraceSeconds);
  };
  const result: SweepResult = { sandboxes: 0, containers: 0, failures: [] };
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      result.failures.push(`${what}: ${(e as Error).message}`);
    }
  };
  try {
    await cri.waitForReady(10_000);
    const { containers } = await cri.listContainers({ filter: null });
    await Promise.all(
      containers.map((c) =>
        attempt(`stopping container ${c.id}`, async () => {
          await cri.stopContainer({ containerId: c.id, timeout: graceOf(c.annotations) });
          await cri.removeContainer({ containerId: c.id });
          result.containers++;
        }),
      ),
    );
    const { items } = await cri.listPodSandbox({ filter: null });
    await Promise.all(
      items.map((s) =>
        attempt(`removing pod sandbox ${s.id}`, async () => {
          await cri.stopPodSandbox({ podSandboxId: s.id });
          await cri.removePodSandbox({ podSandboxId: s.id });
          result.sandboxes++;
        }),
      ),
    );
  } finally {
    cri.close();
  }
  return result;
}

/** Resolves once the runtime answers Version, or rejects after `timeoutMs`. */
export async function waitForRuntime(socketPath: string, timeoutMs: number): Promise<string> {
  const cri = createCriClient(socketPath, { timeoutMs: 10_000 });
  try {
    await cri.waitForReady(timeoutMs);
    const v = await cri.version({});
    return `${v.runtimeName} ${v.runtimeVersion}`;
  } finally {
    cri.close();
  }
}
