export type {
  BackendConfig, BackendCounts, BatchBuffers, EngineKind, FlowKey, LbCore, LbCoreOptions, Protocol, SchedulerName,
  ServiceConfig, ServiceSettings,
} from './core.js';
export { schedulerNames } from './core.js';
export { createLbCore } from './engine-factory.js';
export { WasmCore } from './wasm.js';
export { TsCore } from './ts/ts-core.js';
export { LbError, isLbError, type LbErrorCode } from './errors.js';
export { NO_BACKEND, TABLE_FULL, BATCH_CAPACITY, EXCLUDE_CAPACITY } from './status.js';
export { DEFAULT_MAGLEV_TABLE_SIZE, DEFAULT_UDP_FLOW_TIMEOUT_MS, isPrime } from './config.js';
export { backendIdentity, canonicalAddress, fillFlowKey, hashString, mix32, newFlowKey } from './hash.js';

export { ServiceProxy, type ApplyResult, type ServiceProxyOptions } from './proxy/service-proxy.js';
export type {
  BackendSpec, BackendStatus, ProxyEvents, RejectReason, VirtualServiceSpec, VirtualServiceStatus,
} from './proxy/virtual-service.js';
export { defaultVipInterface, needsInterface, VipInterface, type VipInterfaceKind, type VipInterfaceOptions } from './proxy/vip-interface.js';
export {
  backendsFor, DEFAULT_AFFINITY_SECONDS, HASH_PORT_ANNOTATION, SCHEDULER_ANNOTATION, translateAll, translateService,
  type TranslateOptions, type Translation,
} from './k8s/translate.js';
export type { Endpoint, EndpointConditions, EndpointPort, EndpointSlice, K8sProtocol, Service, ServicePort } from './k8s/types.js';
