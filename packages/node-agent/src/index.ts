// Public API of @skiff/node-agent: the CRI client (for the kubelet, against Skiff's runtime or containerd), Skiff's
// CRI runtime, the local image store, and the kubelet (startNodeAgent).
export { createCriClient, type CriClient, type CriClientOptions, type CriCallOptions } from './cri/cri-client.js';
export type * from './cri/cri-types.js';
export type * from './cri/cri-messages.js';
export type * from './cri/cri-stats-types.js';
export type * from './cri/cri-image-types.js';
export { criProtoDir } from './cri/cri-proto.js';
export { serveCri, type CriServer, type CriServerOptions } from './runtime/cri-server.js';
export type { CriHandlers, CriMethods, CriMethodName } from './cri/cri-services.js';

export { startCriRuntime, type CriRuntime, type CriRuntimeOptions } from './runtime/cri-runtime.js';
export { RUNTIME_NAME, RUNTIME_API_VERSION } from './runtime/runtime-service.js';

export { ImageStore, type StoredImage } from './images/image-store.js';
export { importImageArchive, importImageArchive as importImage, type ImportOptions } from './images/image-import.js';
export { exportDockerArchive } from './images/image-export.js';
export { buildBusyboxImage, ensureBusyboxImage, BUSYBOX_IMAGE } from './images/busybox-image.js';
export { normalizeImageName, parseImageReference, isImageId, type ImageReference } from './images/image-reference.js';

export { startNodeAgent, type NodeAgent } from './kubelet/node-agent.js';
export { resolveOptions as resolveNodeAgentOptions, type NodeAgentOptions } from './kubelet/node-agent-options.js';
export { KubeletMetrics } from './kubelet/server/metrics.js';

export { NodeAgentError, isNodeAgentError, grpcStatusOf, type NodeAgentErrorCode } from './errors.js';
export { createLogger, silentLogger } from './logger.js';
