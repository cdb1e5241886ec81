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
export { NftDataPath, type NftDataPathOptions } from './kernel/nft-data-path.js';
export { renderRuleset, type KernelSelector, type KernelService } from './kernel/nft-ruleset.js';
export { kernelMaglevTableSize } from './kernel/kernel-service.js';
export { defaultVipInterface, needsInterface, VipInterface, type VipInterfaceKind, type VipInterfaceOptions } from './proxy/vip-interface.js';
export {
  backendsFor, DEFAULT_AFFINITY_SECONDS, HASH_PORT_ANNOTATION, SCHEDULER_ANNOTATION, serviceKey, sliceServiceKey, translateAll,
  translateService, type TranslateOptions, type Translation,
} from './k8s/translate.js';
export { SERVICE_NAME_LABEL, ZONE_LABEL } from './k8s/types.js';
export type { Endpoint, EndpointConditions, EndpointPort, EndpointSlice, K8sProtocol, Service, ServicePort } from './k8s/types.js';

// The per-node service proxy process (kube-proxy's role); its bin is skiff-proxy.
export { startServiceProxy, type RunningServiceProxy } from './service-proxy/start-service-proxy.js';
export type { ProxyMode, StartServiceProxyOptions } from './service-proxy/options.js';
export type { LeaderElectionTiming } from './service-proxy/lb-status-writer.js';
export { LB_STATUS_LEASE } from './service-proxy/lb-status-writer.js';
export { desiredIngress, ownsLoadBalancerStatus } from './service-proxy/lb-status.js';
export { ProxyMetrics } from './service-proxy/proxy-metrics.js';
export { TRIGGER_TIME_ANNOTATION } from './service-proxy/change-tracker.js';
export { ADDRESSES_ANNOTATION, PRESENCE_LABEL, presenceLeaseName } from './service-proxy/proxy-presence.js';
export { SyncRunner, type SyncRunnerOptions } from './service-proxy/sync-runner.js';
