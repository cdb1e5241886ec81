/**
 * The CRI client the kubelet uses, with every call timed into kubelet_runtime_operations_duration_seconds under
 * the kubelet's operation names (runPodSandbox -> run_podsandbox, listContainers -> list_containers, ...), so the
 * metrics show what the node asks of its runtime and how long the runtime takes. Failed calls count too.
 */
import type { CriClient } from '../cri/cri-client.js';
import { imageServiceMethods, runtimeServiceMethods } from '../cri/cri-services.js';

export function operationName(method: string): string {
  return method
    .replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
    .replace(/^_/, '')
    .replace('pod_sandbox', 'podsandbox');
}

export function instrumentCri(cri: CriClient, observe: (operation: string, seconds: number) => void): CriClient {
  const wrapped: Record<string, unknown> = {};
  for (const method of [...runtimeServiceMethods, ...imageServiceMethods]) {
    const fn = (cri as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[method]!;
    const op = operationName(method);
    wrapped[method] = async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        return await fn(...args);
      } finally {
        observe(op, (performance.now() - t0) / 1000);
      }
    };
  }
  return new Proxy(cri, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in wrapped) return wrapped[prop];
      return Reflect.get(target, prop, receiver);
    },
  });
}
