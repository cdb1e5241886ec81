/**
 * The node's conditions, with the kubelet's reasons and messages:
 *
 *   MemoryPressure  \
 *   DiskPressure     > as the eviction manager judges them (eviction/): True while an eviction threshold of theirs
 *   PIDPressure     /  is met, and for the pressure transition period after
 *   Ready           True while the runtime and its network are ready (CRI Status conditions)
 *
 * lastTransitionTime is kept while a condition's status holds; lastHeartbeatTime is the time of this report.
 */
import type { PressureCondition } from '../eviction/signals.js';

export interface RuntimeHealth {
  runtimeReady: boolean;
  networkReady: boolean;
  /** Why not, from the runtime's conditions. */
  message: string;
}

interface Spec {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

function spec(type: string, bad: boolean, reasons: [string, string, string, string]): Spec {
  const [okReason, okMessage, badReason, badMessage] = reasons;
  return { type, status: bad, reason: bad ? badReason : okReason, message: bad ? badMessage : okMessage };
}

export function nodeConditions(pressure: ReadonlySet<PressureCondition>, runtime: RuntimeHealth, previous: any[], now: string): any[] {
  const specs: Spec[] = [
    spec('MemoryPressure', pressure.has('MemoryPressure'), [
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
      'KubeletHasInsufficientMemory',
      'kubelet has insufficient memory available',
    ]),
    spec('DiskPressure', pressure.has('DiskPressure'), [
      'KubeletHasNoDiskPressure',
      'kubelet has no disk pressure',
      'KubeletHasDiskPressure',
      'kubelet has disk pressure',
    ]),
    spec('PIDPressure', pressure.has('PIDPressure'), [
      'KubeletHasSufficientPID',
      'kubelet has sufficient PID available',
      'KubeletHasInsufficientPID',
      'kubelet has insufficient PID available',
    ]),
  ];
  const ready = runtime.runtimeReady && runtime.networkReady;
  specs.push({
    type: 'Ready',
    status: ready,
    reason: ready ? 'KubeletReady' : 'KubeletNotReady',
    message: ready ? 'kubelet is posting ready status' : runtime.message,
  });
  return specs.map((s) => {
    const status = s.status ? 'True' : 'False';
    const prev = previous.find((c) => c.type === s.type);
    return {
      type: s.type,
      status,
      lastHeartbeatTime: now,
      lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : now,
      reason: s.reason,
      message: s.message,
    };
  });
}

/** Runtime health from the CRI Status conditions (RuntimeReady, NetworkReady); a runtime that does not answer is down. */
export function runtimeHealth(conditions: { type: string; status: boolean; reason: string; message: string }[] | undefined): RuntimeHealth {
  if (!conditions) return { runtimeReady: false, networkReady: false, message: 'container runtime is down' };
  const runtime = conditions.find((c) => c.type === 'RuntimeReady');
  const network = conditions.find((c) => c.type === 'NetworkReady');
  if (!runtime?.status) return { runtimeReady: false, networkReady: false, message: `container runtime status check may not have completed yet: RuntimeReady=false reason:${runtime?.reason ?? ''} message:${runtime?.message ?? ''}` };
  if (!network?.status) {
    return { runtimeReady: true, networkReady: false, message: `container runtime network not ready: NetworkReady=false reason:${network?.reason ?? ''} message:${network?.message ?? ''}` };
  }
  return { runtimeReady: true, networkReady: true, message: '' };
}

/** Whether any condition type we report has another status on the server. */
export function conditionsDiffer(server: readonly { type?: string; status?: string }[], ours: readonly { type?: string; status?: string }[]): boolean {
  return ours.some((c) => server.find((s) => s.type === c.type)?.status !== c.status);
}
