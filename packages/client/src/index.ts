// @skiff/client: what every component uses to talk to the API server (client-go's role).
export { ApiError, ClientError, isApiError, isNotFound, isAlreadyExists, isConflict, isInvalid, isExpired, isForbidden, isRetryable, type ClientErrorCode } from './errors.js';
export { loadKubeconfig, kubeconfigPaths, type ClusterConfig, type LoadKubeconfigOptions } from './kubeconfig.js';
export { Client, createClient, type ClientOptions } from './rest/client.js';
export { ResourceClient, type ListOptions, type WatchOptions, type WriteOptions, type PatchOptions, type PatchType, type DeleteOptions } from './rest/resource-client.js';
export { resolveResource, resourcePath, apiVersionOf, type ResourceRef } from './rest/resource-ref.js';
export { DEFAULT_QPS, DEFAULT_BURST, type TransportOptions } from './rest/transport.js';
export type { WatchEvent, WatchEventType, WatchStream } from './rest/watch-stream.js';
export { TokenBucket } from './rate-limit/token-bucket.js';
export { Indexer, objectKey, splitKey, indexByNamespace, indexByOwnerUid, indexByNodeName, DEFAULT_INDEXERS, NAMESPACE_INDEX, OWNER_UID_INDEX, NODE_NAME_INDEX, type IndexFunc } from './cache/indexer.js';
export { Reflector, type ReflectorOptions, type ReflectorSink } from './cache/reflector.js';
export { SharedInformer, type EventHandler, type SharedInformerOptions } from './cache/shared-informer.js';
export { InformerFactory, type InformerFactoryOptions, type InformerOptions } from './cache/informer-factory.js';
export { WorkQueue, type WorkQueueOptions } from './workqueue/work-queue.js';
export {
  ExponentialFailureRateLimiter,
  BucketRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
  type RateLimiter,
  type ControllerRateLimiterOptions,
} from './workqueue/rate-limiters.js';
export { LeaderElector, microTime, type LeaderElectionOptions } from './leader-election/leader-elector.js';
export { EventRecorder, type EventRecorderOptions, type EventType } from './events/event-recorder.js';
export { realClock, ManualClock, type Clock } from './clock.js';
export { silentLogger, type Logger, type LogFn } from './logger.js';
