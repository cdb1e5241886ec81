/** `kubectl get hpa` through autoscaling/v1: the v2 columns, read from the object in its v2 form. */
import { hpaV1ToV2 } from '../conversion/hpa-conversion.js';
import { horizontalPodAutoscalerColumns } from './addon-kind-columns.js';
import type { KubeObject } from '@skiff/api';
import type { Column } from './table.js';

// One conversion per row, not per cell.
const converted = new WeakMap<KubeObject, KubeObject>();
function asV2(o: KubeObject): KubeObject {
  let v2 = converted.get(o);
  if (!v2) converted.set(o, (v2 = hpaV1ToV2(o)));
  return v2;
}

export const horizontalPodAutoscalerV1Columns: Column[] = horizontalPodAutoscalerColumns.map((c) => ({ ...c, cell: (o, now) => c.cell(asV2(o), now) }));
