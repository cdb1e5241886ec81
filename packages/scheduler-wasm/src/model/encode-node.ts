import type { V1Node } from '@kubernetes/client-node';
import type { EncodedNode } from '../core/node-writer.js';
import { SchedulerError } from '../errors.js';
import type { Ids } from './core-model.js';
import { effectCode } from './taints.js';
import { parseQuantity } from './quantity.js';

/**
 * A V1Node as the table stores it: allocatable quantities (cpu in millicores, the rest in units), the labels that
 * have a column, taints, and each image name with its size. Bad quantities or taint effects are InvalidNode.
 */
export function encodeNode(node: V1Node, ids: Ids): EncodedNode {
  const name = node.metadata?.name ?? '';
  const labels = node.metadata?.labels ?? {};
  const out: EncodedNode = { unschedulable: node.spec?.unschedulable === true, labelCount: 0, labels: [], taints: [], images: [], alloc: [] };
  for (const [key, value] of Object.entries(labels)) {
    out.labelCount++;
    const col = ids.nodeKeys.get(key);
    if (col !== undefined) out.labels.push(col, ids.nodeValues.intern(value));
  }
  for (const [res, q] of Object.entries(node.status?.allocatable ?? {})) {
    try {
      out.alloc.push(ids.resources.intern(res), parseQuantity(q, res === 'cpu'));
    } catch (e) {
      throw new SchedulerError('InvalidNode', `${name}: status.allocatable.${res}: ${(e as Error).message}`, { object: name, field: `status.allocatable.${res}` });
    }
  }
  (node.spec?.taints ?? []).forEach((t, i) => {
    const effect = effectCode(t.effect);
    if (effect === undefined || effect === 0 || !t.key) {
      throw new SchedulerError('InvalidNode', `${name}: spec.taints[${i}]: needs a key and an effect of NoSchedule, PreferNoSchedule or NoExecute`, {
        object: name,
        field: `spec.taints[${i}]`,
      });
    }
    out.taints.push(ids.taintKeys.intern(t.key), ids.taintValues.intern(t.value ?? ''), effect);
  });
  const seen = new Set<number>();
  for (const image of node.status?.images ?? []) {
    const size = typeof image.sizeBytes === 'number' && image.sizeBytes > 0 ? image.sizeBytes : 0;
    for (const n of image.names ?? []) {
      const id = ids.images.intern(n);
      if (seen.has(id)) continue;
      seen.add(id);
      out.images.push(id, size);
    }
  }
  return out;
}

/** Checks a node's allocatable quantities and taints without interning anything; throws InvalidNode. */
export function validateNode(node: V1Node): void {
  const name = node.metadata?.name;
  if (!name) throw new SchedulerError('InvalidNode', 'node has no metadata.name');
  for (const [res, q] of Object.entries(node.status?.allocatable ?? {})) {
    try {
      parseQuantity(q, res === 'cpu');
    } catch (e) {
      throw new SchedulerError('InvalidNode', `${name}: status.allocatable.${res}: ${(e as Error).message}`, { object: name, field: `status.allocatable.${res}` });
    }
  }
  (node.spec?.taints ?? []).forEach((t, i) => {
    const effect = effectCode(t.effect);
    if (effect === undefined || effect === 0 || !t.key) {
      throw new SchedulerError('InvalidNode', `${name}: spec.taints[${i}]: needs a key and an effect of NoSchedule, PreferNoSchedule or NoExecute`, {
        object: name,
        field: `spec.taints[${i}]`,
      });
    }
  });
}
