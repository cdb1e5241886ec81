/**
 * Ending a pod, in the kubelet's order: every main (and running init) container gets its preStop hook and then
 * SIGTERM at once; SIGKILL follows when the grace period runs out. Sidecars go after the main containers, the
 * last-declared first, with what is left of the grace period. Then the sandbox stops (the network is released).
 * The grace period is deletionGracePeriodSeconds when the pod is being deleted, else
 * terminationGracePeriodSeconds, and never less than 2 seconds.
 */
import { isSidecar } from './pod-actions.js';
import { killContainer } from './container-lifecycle.js';
import type { PodContext } from './pod-context.js';
import { isRunning, type PodRuntimeState } from './pod-runtime-state.js';

const MIN_GRACE_SECONDS = 2;

export function gracePeriodOf(pod: any): number {
  const g = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(MIN_GRACE_SECONDS, g);
}

function specOf(pod: any, name: string): any {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c: any) => c.name === name);
}

/** Stops everything of the pod that runs; resolves once its containers have exited and its sandbox stopped. */
export async function terminatePod(ctx: PodContext, pod: any, state: PodRuntimeState, graceSeconds: number): Promise<void> {
  const deadline = Date.now() + graceSeconds * 1000;
  const podIP = state.sandboxes[0]?.ip || ctx.node.hostIPs[0]!;
  const running = state.containers.filter(isRunning);
  const sidecarNames: string[] = (pod.spec?.initContainers ?? []).filter(isSidecar).map((c: any) => c.name);
  const sidecars = running.filter((c) => c.kind === 'sidecar' || sidecarNames.includes(c.name));
  const others = running.filter((c) => !sidecars.includes(c));
  const left = () => Math.max(MIN_GRACE_SECONDS, Math.ceil((deadline - Date.now()) / 1000));

  await Promise.all(
    others.map((c) =>
      killContainer(ctx, pod, { instance: c, message: `Stopping container ${c.name}`, sidecar: false }, left(), specOf(pod, c.name), podIP),
    ),
  );
  // sidecars in reverse declaration order, so the first-declared (often a proxy the others used) goes last
  sidecars.sort((a, b) => sidecarNames.indexOf(b.name) - sidecarNames.indexOf(a.name));
  for (const c of sidecars) {
    await killContainer(ctx, pod, { instance: c, message: `Stopping container ${c.name}`, sidecar: true }, left(), specOf(pod, c.name), podIP);
  }
  for (const s of state.sandboxes.filter((s) => s.ready)) {
    await ctx.cri.stopPodSandbox({ podSandboxId: s.id }).catch((err: Error) => ctx.logger.warn({ sandbox: s.id, err: err.message }, 'stopping a sandbox failed'));
  }
}

/** Removes the pod's containers, sandboxes, volumes and cgroup from the node. */
export async function removePodResources(ctx: PodContext, uid: string, state: PodRuntimeState, podCgroup: string, removeCgroup: (path: string) => void): Promise<void> {
  for (const s of state.sandboxes) {
    await ctx.cri.removePodSandbox({ podSandboxId: s.id }).catch((err: Error) => ctx.logger.warn({ sandbox: s.id, err: err.message }, 'removing a sandbox failed'));
  }
  // containers of sandboxes that are already gone (should not happen, but the runtime may have been restored)
  for (const c of state.containers.filter((c) => !state.sandboxes.some((s) => s.id === c.sandboxId))) {
    await ctx.cri.removeContainer({ containerId: c.id }).catch(() => undefined);
  }
  await ctx.volumes.tearDown(uid);
  removeCgroup(podCgroup);
}
