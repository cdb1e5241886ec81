// @skiff/controllers: the controller manager and its controllers.
export { startControllerManager, type ControllerManager } from './controller-manager.js';
export { CONTROLLER_NAMES, type ControllerName, type ControllerManagerOptions, type HorizontalPodAutoscalerSettings, type LeaderElectionSettings, type NodeLifecycleSettings } from './options.js';
export { ControllerError, type ControllerErrorCode } from './errors.js';
export type { Controller } from './framework/controller.js';
