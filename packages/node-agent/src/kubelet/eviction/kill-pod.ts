/**
 * Killing an evicted pod's containers. A hard threshold gives a grace period of 0, and then the kubelet kills at
 * once: no preStop hook, SIGKILL straight away (CRI StopContainer with timeout 0), sidecars too, then the sandbox.
 * Any other grace period takes the ordinary termination path (pod-termination.ts: preStop, SIGTERM, SIGKILL when
 * the grace period ends, sidecars last, at least 2 s).
 */
import { isNodeAgentError } from '../../errors.js';
import type { PodContext } from '../pods/pod-context.js';
import { isRunning, type PodRuntimeState } from '../pods/pod-runtime-state.js';
import { terminatePod } from '../pods/pod-termination.js';

export async function killPodNow(ctx: PodContext, pod: any, state: PodRuntimeState, graceSeconds: number): Promise<void> {
  if (graceSeconds > 0) return terminatePod(ctx, pod, state, graceSeconds);
  await Promise.all(
    state.containers.filter(isRunning).map(async (c) => {
      ctx.api.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
      try {
        await ctx.cri.stopContainer({ containerId: c.id, timeout: 0 }, { timeoutMs: 60_000 });
      } catch (err) {
        if (!isNodeAgentError(err)) throw err;
        ctx.logger.warn({ container: c.id, err: err.message }, 'killing a container failed');
      }
    }),
  );
  for (const s of state.sandboxes.filter((s) => s.ready)) {
    await ctx.cri.stopPodSandbox({ podSandboxId: s.id }).catch((err: Error) => ctx.logger.warn({ sandbox: s.id, err: err.message }, 'stopping a sandbox failed'));
  }
}
