/**
 * KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), the parts Skiff reads. Field names follow the
 * Kubernetes API so an existing configuration file loads unchanged.
 */
export interface KubeSchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  /** 0-100; 0 (default) means adaptive: max(5, 50 - nodes/125) percent, at least 100 nodes. */
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: KubeSchedulerProfile[];
  /** Accepted for compatibility; the core runs single-threaded. */
  parallelism?: number;
}

export interface KubeSchedulerProfile {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: PluginConfig[];
}

export interface PluginRef {
  name: string;
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginRef[];
  disabled?: PluginRef[];
}

export interface Plugins {
  multiPoint?: PluginSet;
  preEnqueue?: PluginSet;
  queueSort?: PluginSet;
  preFilter?: PluginSet;
  filter?: PluginSet;
  postFilter?: PluginSet;
  preScore?: PluginSet;
  score?: PluginSet;
  reserve?: PluginSet;
  permit?: PluginSet;
  preBind?: PluginSet;
  bind?: PluginSet;
  postBind?: PluginSet;
}

export interface PluginConfig {
  name: string;
  args?: unknown;
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const API_VERSION = 'kubescheduler.config.k8s.io/v1';
