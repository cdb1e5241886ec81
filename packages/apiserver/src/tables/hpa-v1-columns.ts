/** `kubectl get hpa` through autoscaling/v1: the v2 columns, read from the object in its v2 form. */
import { hpaV1ToV2 } from '../conversion/hpa-conversion.js';
import { horizontalPodAutoscalerColumns } from './addon-kind-columns.js';
import type { Column } from './table.js';

export const horizontalPodAutoscalerV1Columns: Column[] = horizontalPodAutoscalerColumns.map((c) => ({ ...c, cell: (o, now) => c.cell(hpaV1ToV2(o), now) }));
