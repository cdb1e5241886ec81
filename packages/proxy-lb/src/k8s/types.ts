// The Kubernetes objects the proxy reads are @skiff/api's (core/v1 Service, discovery.k8s.io/v1 EndpointSlice),
// so objects from informers pass through unconverted. Their string fields are wider than the API's enums
// (type, protocol, policies); the translation treats unknown values as the API's defaults.
import type { EndpointSlice as ApiEndpointSlice, Service as ApiService } from '@skiff/api';

export type Service = ApiService;
export type EndpointSlice = ApiEndpointSlice;
export type ServicePort = NonNullable<NonNullable<Service['spec']>['ports']>[number];
export type Endpoint = NonNullable<EndpointSlice['endpoints']>[number];
export type EndpointConditions = NonNullable<Endpoint['conditions']>;
export type EndpointPort = NonNullable<EndpointSlice['ports']>[number];

export type K8sProtocol = 'TCP' | 'UDP' | 'SCTP';

/** The label linking an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The node label naming its zone, matched against endpoints' zone hints. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
