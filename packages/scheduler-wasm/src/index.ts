// The scheduler framework and its WASM/TS scheduling core.
export { Scheduler, createScheduler, type SchedulerOptions } from './framework/scheduler.js';
export type { ScheduleResult, Scheduled, Unschedulable, Failed } from './framework/schedule-result.js';
export type { KubeSchedulerConfiguration, KubeSchedulerProfile, Plugins, PluginSet, PluginRef, PluginConfig } from './framework/config.js';
export { DEFAULT_SCHEDULER_NAME } from './framework/config.js';
export { resolveConfig, PROCESS_FIELDS, type Profile, type ResolvedConfig } from './framework/profile.js';
export type { PluginDescriptor, ExtensionPoint, ClusterEvent, ActionType } from './framework/interface.js';
export { IN_TREE_PLUGINS, UNSUPPORTED_PLUGINS, pluginByName } from './framework/registry.js';
export { fitErrorMessage, diagnose, NO_NODES_MESSAGE, type Diagnosis, type NodeVerdict, type StatusCode } from './framework/diagnosis.js';
export { SchedulerCache, podKey, type CachedPod } from './cache/scheduler-cache.js';
export { SchedulingQueue, type QueueOptions } from './queue/scheduling-queue.js';
export { backoffDuration, type QueuedPod } from './queue/queued-pod.js';
export { createCore } from './engine-factory.js';
export type { SchedulingCore, CycleResult, NodeStatus, EngineKind, EngineOptions } from './core/engine.js';
export { ProfileWriter, type CoreProfile } from './core/core-profile.js';
export { encodePod, type EncodeOptions } from './model/encode-pod.js';
export { parseQuantity } from './model/quantity.js';
export { SchedulerError, isSchedulerError, type SchedulerErrorCode, type SchedulerErrorDetails } from './errors.js';
// The scheduler process: informers, the scheduling loop, binding, preemption, events, leader election, metrics.
export { startScheduler, type SchedulerProcess, type SchedulerProcessStats } from './process/scheduler-process.js';
export type { SchedulerProcessOptions, ResolvedProcessOptions } from './process/process-options.js';
export { loadConfigFile, readProcessSettings, type SchedulerConfigFile, type ProcessSettings, type LeaderElectionSettings } from './process/config-file.js';
export { SchedulerMetrics } from './process/metrics/scheduler-metrics.js';
