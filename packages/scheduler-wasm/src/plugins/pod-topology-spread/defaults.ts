import type { V1TopologySpreadConstraint } from '@kubernetes/client-node';

/**
 * The system default constraints PodTopologySpread applies to pods without their own (defaultingType System):
 * spread across hosts (maxSkew 3) and zones (maxSkew 5), best effort. The selector comes from the services and
 * controllers the pod belongs to; without any, no default spreading happens.
 */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly V1TopologySpreadConstraint[] = [
  { topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];
