/** Every controller the manager can run, by the name `--controllers` takes. */
import type { ControllerContext } from './framework/context.js';
import type { Controller } from './framework/controller.js';
import type { ControllerName } from './options.js';
import { CronJobController } from './cronjob/cronjob-controller.js';
import { DaemonSetController } from './daemonset/daemonset-controller.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { DisruptionController } from './disruption/disruption-controller.js';
import { EndpointsController } from './endpointslice/endpoints-controller.js';
import { EndpointSliceController } from './endpointslice/endpointslice-controller.js';
import { GarbageCollector } from './garbage-collector/garbage-collector.js';
import { HorizontalPodAutoscalerController } from './horizontal-pod-autoscaler/hpa-controller.js';
import { JobController } from './job/job-controller.js';
import { NamespaceController } from './namespace/namespace-controller.js';
import { NodeIpamController } from './node-lifecycle/node-ipam-controller.js';
import { NodeLifecycleController } from './node-lifecycle/node-lifecycle-controller.js';
import { ReplicaSetController } from './replicaset/replicaset-controller.js';
import { StatefulSetController } from './statefulset/statefulset-controller.js';
import { ServiceAccountController } from './serviceaccount/serviceaccount-controller.js';
import { TtlAfterFinishedController } from './ttl-after-finished/ttl-after-finished-controller.js';

export const controllerFactories: Partial<Record<ControllerName, (ctx: ControllerContext) => Controller>> = {
  deployment: (ctx) => new DeploymentController(ctx),
  replicaset: (ctx) => new ReplicaSetController(ctx),
  daemonset: (ctx) => new DaemonSetController(ctx),
  statefulset: (ctx) => new StatefulSetController(ctx),
  garbagecollector: (ctx) => new GarbageCollector(ctx),
  namespace: (ctx) => new NamespaceController(ctx),
  endpointslice: (ctx) => new EndpointSliceController(ctx),
  endpoints: (ctx) => new EndpointsController(ctx),
  nodelifecycle: (ctx) => new NodeLifecycleController(ctx),
  nodeipam: (ctx) => new NodeIpamController(ctx),
  job: (ctx) => new JobController(ctx),
  cronjob: (ctx) => new CronJobController(ctx),
  'ttl-after-finished': (ctx) => new TtlAfterFinishedController(ctx),
  serviceaccount: (ctx) => new ServiceAccountController(ctx),
  disruption: (ctx) => new DisruptionController(ctx),
  horizontalpodautoscaling: (ctx) => new HorizontalPodAutoscalerController(ctx),
};
