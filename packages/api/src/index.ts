// The shared floor: object types, resource registry, selectors, quantities, Status errors, validation, defaulting.
export * from './object.js';
export * from './errors.js';
export * from './quantity.js';
export * from './registry/resource-definition.js';
export { builtinResources } from './registry/resources.js';
export { ResourceRegistry, type GroupDefinition, type GroupVersion } from './registry/resource-registry.js';
export * from './selectors/label-selector.js';
export * from './selectors/field-selector.js';
export { fieldLabelsOf, supportedFieldLabels } from './selectors/field-labels.js';
export * from './validation/names.js';
export { FieldErrors, type FieldError, type FieldErrorType } from './validation/field-errors.js';
export { validateObject, validateObjectUpdate, checkName } from './validation/validate.js';
export { isValidCronSchedule } from './validation/workloads.js';
export { HIGHEST_USER_DEFINABLE_PRIORITY, PREEMPTION_POLICIES, SYSTEM_PRIORITY_CLASSES, SYSTEM_PRIORITY_CLASS_PREFIX } from './validation/scheduling.js';
export { applyDefaults } from './defaults/apply-defaults.js';
export { DEFAULT_CPU_UTILIZATION, defaultHorizontalPodAutoscalerV2, defaultScaleDownRules, defaultScaleUpRules } from './defaults/autoscaling.js';
export { defaultPullPolicy, initialPodStatus, podQosClass } from './defaults/pod.js';
export { generateJobSelector } from './defaults/workloads.js';
