/**
 * The autoscaling/v2 HorizontalPodAutoscaler as the controller reads and writes it (the stored form; the API
 * server converts autoscaling/v1 to it). Only the fields the controller uses are typed; everything is optional
 * because objects arrive as JSON and defaulting may not have filled them.
 */
import type { ObjectMeta } from '@skiff/api';

export type MetricSourceType = 'Resource' | 'ContainerResource' | 'Pods' | 'Object' | 'External';
export type MetricTargetType = 'Utilization' | 'Value' | 'AverageValue';
export type ScalingPolicyType = 'Pods' | 'Percent';
export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

export interface CrossVersionObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
}

export interface MetricTarget {
  type?: MetricTargetType;
  /** A percentage of the pods' requests (Utilization). */
  averageUtilization?: number;
  /** A quantity per pod (AverageValue). */
  averageValue?: string;
  value?: string;
}

export interface MetricSpec {
  type?: MetricSourceType;
  resource?: { name?: string; target?: MetricTarget };
  containerResource?: { name?: string; container?: string; target?: MetricTarget };
  pods?: { metric?: { name?: string }; target?: MetricTarget };
  object?: { metric?: { name?: string }; describedObject?: CrossVersionObjectReference; target?: MetricTarget };
  external?: { metric?: { name?: string }; target?: MetricTarget };
}

export interface MetricValueStatus {
  averageUtilization?: number;
  averageValue?: string;
  value?: string;
}

export interface MetricStatus {
  type: MetricSourceType;
  resource?: { name: string; current: MetricValueStatus };
  containerResource?: { name: string; container: string; current: MetricValueStatus };
}

export interface ScalingPolicy {
  type?: ScalingPolicyType;
  value?: number;
  periodSeconds?: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number | null;
  selectPolicy?: SelectPolicy;
  policies?: ScalingPolicy[];
}

export interface HpaBehavior {
  scaleUp?: ScalingRules | null;
  scaleDown?: ScalingRules | null;
}

export interface HpaCondition {
  type: 'AbleToScale' | 'ScalingActive' | 'ScalingLimited' | string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface HorizontalPodAutoscalerSpec {
  scaleTargetRef?: CrossVersionObjectReference;
  minReplicas?: number | null;
  maxReplicas?: number;
  metrics?: MetricSpec[] | null;
  behavior?: HpaBehavior | null;
}

export interface HorizontalPodAutoscalerStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas?: number;
  currentMetrics?: MetricStatus[] | null;
  conditions?: HpaCondition[];
}

export interface HorizontalPodAutoscaler {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: HorizontalPodAutoscalerSpec;
  status?: HorizontalPodAutoscalerStatus;
}

/** An autoscaling/v1 Scale: the view of a workload's replica count the HPA reads and writes. */
export interface ScaleObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

export const HPA_RESOURCE = 'autoscaling/v2/horizontalpodautoscalers';
export const HPA_API_VERSION = 'autoscaling/v2';
