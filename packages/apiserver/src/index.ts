// The API server's public surface.
export { createApiServer, DEFAULT_MAX_BODY_BYTES, type ApiServer, type ApiServerOptions } from './api-server.js';
export { SYSTEM_NAMESPACES } from './bootstrap.js';
export { KUBERNETES_VERSION } from './discovery/version.js';
export type { Authenticator, Authorizer, UserInfo } from './pipeline/stages.js';
