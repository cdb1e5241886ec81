/**
 * The node's conditions, with the kubelet's reasons and messages:
 *
 *   MemoryPressure  True when available memory is under the eviction threshold (default 100Mi)
 *   DiskPressure    True when the node filesystem's free share is under the threshold (default 10%)
 *   PIDPressure     True when the free share of process ids is under the threshold (default 5%)
 *   Ready           True while the runtime and its network are ready (CRI Status conditions)
 *
 * lastTransitionTime is kept while a condition's status holds; lastHeartbeatTime is the time of this report.
 */
import type { PressureStats } from './host-stats.js';

export interface PressureThresholds {
  memoryAvailableBytes: number;
  diskAvailableFraction: number;
  pidsAvailableFraction: number;
}

export interface RuntimeHealth {
  runtimeReady: boolean;
  networkReady: boolean;
  /** Why not, from the runtime's conditions. */
  message: string;
}

export const DEFAULT_THRESHOLDS: PressureThresholds = {
  memoryAvailableBytes: 100 * 1024 * 1024,
  diskAvailableFraction: 0.1,
  pidsAvailableFraction: 0.05,
};

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

export function nodeConditions(stats: PressureStats, thresholds: PressureThresholds, runtime: RuntimeHealth, previous: any[], now: string): any[] {
  const specs: Spec[] = [
    spec('MemoryPressure', stats.memoryAvailableBytes < thresholds.memoryAvailableBytes, [
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
      'KubeletHasInsufficientMemory',
      'kubelet has insufficient memory available',
    ]),
    spec('DiskPressure', stats.diskTotalBytes > 0 && stats.diskAvailableBytes / stats.diskTotalBytes < thresholds.diskAvailableFraction, [
      'KubeletHasNoDiskPressure',
      'kubelet has no disk pressure',
      'KubeletHasDiskPressure',
      'kubelet has disk pressure',
    ]),
    spec('PIDPressure', stats.pidsAvailable / stats.pidMax < thresholds.pidsAvailableFraction, [
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
