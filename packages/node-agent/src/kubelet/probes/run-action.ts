/**
 * Runs a probe's or hook's action against one container: picks exec, httpGet, tcpSocket, grpc or sleep from the
 * spec, resolves named ports through the container's ports, and aims network checks at the pod IP (the host's
 * for host-network pods), as the kubelet does from the node's network.
 */
import type { CriClient } from '../../cri/cri-client.js';
import { execAction, grpcAction, httpGetAction, tcpSocketAction, type ActionResult } from './handlers.js';

export interface ActionTarget {
  cri: CriClient;
  containerId: string;
  /** The container's spec (for named ports). */
  container: any;
  podIP: string;
}

export function resolvePort(port: number | string | undefined, container: any): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return (container.ports ?? []).find((p: any) => p.name === port)?.containerPort;
}

export async function runAction(action: any, target: ActionTarget, timeoutMs: number, signal?: AbortSignal): Promise<ActionResult> {
  if (action.exec) return execAction(target.cri, target.containerId, action.exec.command ?? [], timeoutMs);
  if (action.httpGet) {
    const g = action.httpGet;
    const port = resolvePort(g.port, target.container);
    if (!port) return { ok: false, message: `port ${JSON.stringify(g.port)} is not a number or a named port of the container` };
    return httpGetAction(
      { scheme: g.scheme === 'HTTPS' ? 'HTTPS' : 'HTTP', host: g.host || target.podIP, port, path: g.path ?? '/', headers: g.httpHeaders ?? [] },
      timeoutMs,
    );
  }
  if (action.tcpSocket) {
    const port = resolvePort(action.tcpSocket.port, target.container);
    if (!port) return { ok: false, message: `port ${JSON.stringify(action.tcpSocket.port)} is not a number or a named port of the container` };
    return tcpSocketAction(action.tcpSocket.host || target.podIP, port, timeoutMs);
  }
  if (action.grpc) return grpcAction(target.podIP, action.grpc.port, action.grpc.service ?? '', timeoutMs);
  if (action.sleep) {
    const ms = Math.min((action.sleep.seconds ?? 0) * 1000, timeoutMs);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
    return { ok: true, message: '' };
  }
  return { ok: false, message: 'the action names no handler (exec, httpGet, tcpSocket, grpc or sleep)' };
}
