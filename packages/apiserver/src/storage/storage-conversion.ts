/**
 * Resources served in one form and stored in another: the real server's storage version. events.k8s.io/v1 Events
 * are stored as core/v1 Events under the same keys, so both groups see one set of events; autoscaling/v1
 * HorizontalPodAutoscalers are stored as autoscaling/v2 ones.
 */
import type { KubeObject, ResourceDefinition } from '@skiff/api';
import { eventFromCore, eventToCore } from '../conversion/event-conversion.js';
import { hpaV1ToV2, hpaV2ToV1 } from '../conversion/hpa-conversion.js';

export interface StorageConversion {
  /** The plural the objects are stored under (`/registry/<storedResource>/...`). */
  readonly storedResource: string;
  /** The served form to the stored form. Must not modify its argument. */
  toStorage(obj: KubeObject): KubeObject;
  /** The stored form to the served form. May return an object sharing parts with its argument. */
  fromStorage(obj: KubeObject): KubeObject;
}

const conversions: Record<string, StorageConversion> = {
  'events.k8s.io/v1/events': { storedResource: 'events', toStorage: eventToCore, fromStorage: eventFromCore },
  'autoscaling/v1/horizontalpodautoscalers': { storedResource: 'horizontalpodautoscalers', toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1 },
};

export function storageConversionFor(def: Pick<ResourceDefinition, 'group' | 'version' | 'resource'>): StorageConversion | undefined {
  return conversions[`${def.group}/${def.version}/${def.resource}`];
}
