/**
 * What exists in every cluster from the start: the namespaces default, kube-system, kube-public and
 * kube-node-lease, the `kubernetes` Service in default (the first cluster IP) with Endpoints pointing at this
 * server, and the PriorityClasses system-node-critical and system-cluster-critical. Idempotent: an object already
 * present is left alone.
 */
import { isStatusError, SYSTEM_PRIORITY_CLASSES, type ResourceRegistry } from '@skiff/api';
import type { WriteOptions } from './http/query-options.js';
import type { ObjectRest } from './rest/object-rest.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const OPTS: WriteOptions = { dryRun: false, fieldValidation: 'Ignore', force: false, manager: 'kube-apiserver', warnings: [] };

async function ensure(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!isStatusError(e, 'AlreadyExists') && !(isStatusError(e, 'Invalid') && /already allocated/.test(e.message))) throw e;
  }
}

export async function bootstrapCluster(
  rest: ObjectRest,
  registry: ResourceRegistry,
  opts: { kubernetesServiceIp: string; advertiseAddress: string; port: number },
): Promise<void> {
  const namespaces = registry.get('', 'v1', 'namespaces')!;
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(() => rest.create(namespaces, undefined, { metadata: { name } }, OPTS));
  }
  const priorityClasses = registry.get('scheduling.k8s.io', 'v1', 'priorityclasses')!;
  for (const { name, value, description } of SYSTEM_PRIORITY_CLASSES) {
    await ensure(() => rest.create(priorityClasses, undefined, { metadata: { name }, value, description }, OPTS));
  }
  const services = registry.get('', 'v1', 'services')!;
  await ensure(() =>
    rest.create(
      services,
      'default',
      {
        metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { clusterIP: opts.kubernetesServiceIp, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.port }] },
      },
      OPTS,
    ),
  );
  const endpoints = registry.get('', 'v1', 'endpoints')!;
  const subsets = [{ addresses: [{ ip: opts.advertiseAddress }], ports: [{ name: 'https', port: opts.port, protocol: 'TCP' }] }];
  try {
    await rest.create(endpoints, 'default', { metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets }, OPTS);
  } catch (e) {
    if (!isStatusError(e, 'AlreadyExists')) throw e;
    await rest.update(endpoints, 'default', 'kubernetes', (cur) => ({ ...cur, subsets }), OPTS);
  }
}
