/**
 * Which resource names the scheduler accounts for, after k8s.io/kubernetes' v1 helpers: cpu, memory and
 * ephemeral-storage, plus "scalar" resources (extended resources like example.com/gpu, hugepages-*, prefixed native
 * resources and attachable volumes). Any other name (say "storage") is ignored by NodeResourcesFit, so it never
 * gets a column. "pods" is the node's pod capacity, not something a pod requests.
 */
export function isSchedulableResource(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || isScalarResourceName(name);
}

export function isScalarResourceName(name: string): boolean {
  return (
    isExtendedResourceName(name) ||
    name.startsWith('hugepages-') ||
    name.includes('kubernetes.io/') ||
    name.startsWith('attachable-volumes-')
  );
}

/** Extended resources: a domain-qualified name outside kubernetes.io, not a "requests." quota name. */
export function isExtendedResourceName(name: string): boolean {
  return name.includes('/') && !name.includes('kubernetes.io/') && !name.startsWith('requests.');
}
