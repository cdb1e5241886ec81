export { eventually, waitFor, type Check, type PollOptions } from './eventually.js';
export { KubectlError, KubectlOutputError, WaitTimeoutError } from './errors.js';
export { KUBECTL, kubectlFor, kubectlForKubeconfig, type Kubectl, type KubectlOptions, type KubectlRunOptions } from './kubectl.js';
export type { KubectlProcess } from './kubectl-process.js';
export type { KubectlResult } from './kubectl-result.js';
export { guardHostNftTables } from './host-nft-tables.js';
